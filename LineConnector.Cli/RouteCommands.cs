using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using LineConnector.Core.Enquiries;

namespace LineConnector.Cli;

/// <summary>
/// <c>line-connector route what-if --channel C --user U [--at TIME]</c>: which destination a message
/// would reach and why, from the admin API (<c>GET /api/manage/channels/{id}/route/what-if</c>); nothing
/// is sent. URL and function key as for <c>channels</c>: <c>--url</c>/<c>--key</c> or
/// <c>LINE_CONNECTOR_URL</c>/<c>LINE_CONNECTOR_KEY</c>.
/// </summary>
public static class RouteCommands
{
    /// <param name="handler">The HTTP handler to reach the API with (tests pass the app's own); null: the network.</param>
    public static Command Create(Func<HttpMessageHandler>? handler = null)
    {
        var context = new ManageApiContext("text", handler);
        var channel = new Option<string>("--channel") { Description = "The channel id.", Required = true };
        var user = new Option<string>("--user") { Description = "The LINE user, group or room id the message would come from.", Required = true };
        var at = new Option<string?>("--at") { Description = "When, as an ISO 8601 time such as 2026-11-23T10:00:00+09:00 (default: now)." };

        var whatIf = new Command("what-if", "Which destination a message would reach, and why; nothing is sent.") { channel, user, at };
        whatIf.SetAction(async (parse, cancellationToken) =>
        {
            var path = $"api/manage/channels/{Uri.EscapeDataString(parse.GetValue(channel)!)}/route/what-if?user={Uri.EscapeDataString(parse.GetValue(user)!)}";
            if (parse.GetValue(at) is { } when)
            {
                path += "&at=" + Uri.EscapeDataString(when);
            }

            return await context.RunAsync(
                parse,
                HttpMethod.Get,
                path,
                null,
                null,
                (output, body) => Print(output, JsonSerializer.Deserialize(body, EnquiryApiJsonContext.Default.WhatIfResource)!),
                cancellationToken);
        });

        return new Command("route", "Explain routing decisions.") { context.Url, context.Key, context.Json, whatIf };
    }

    private static void Print(TextWriter output, WhatIfResource answer)
    {
        var destination = answer.DestinationId
            ?? (answer.Shares.Count > 0
                ? "by chance: " + string.Join(", ", answer.Shares.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.DestinationId} {s.Percent:F2} %")))
                : "none: no staff can answer");
        var rows = new[]
        {
            ("channel", answer.ChannelId),
            ("user", answer.SourceId),
            ("at", answer.At.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)),
            ("destination", destination),
            ("staff member", answer.StaffMemberId ?? "-"),
            ("enquiry", answer.OpensEnquiry ? "opens a new one" : answer.CurrentEnquiryId ?? "-"),
            ("auto-messages", answer.AutoMessages.Count == 0 ? "none" : string.Join(", ", answer.AutoMessages)),
        };
        var width = rows.Max(r => r.Item1.Length);
        foreach (var (field, value) in rows)
        {
            output.WriteLine($"{field.PadRight(width)}  {value}");
        }

        output.WriteLine();
        output.WriteLine("why:");
        foreach (var line in answer.Explanation)
        {
            output.WriteLine($"  {line}");
        }
    }
}
