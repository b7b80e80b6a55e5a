using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
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
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <param name="handler">The HTTP handler to reach the API with (tests pass the app's own); null: the network.</param>
    public static Command Create(Func<HttpMessageHandler>? handler = null)
    {
        var url = new Option<string?>("--url") { Description = $"The function app, e.g. https://contoso-line.azurewebsites.net (default: environment {ManageApiClient.UrlVariable}).", Recursive = true };
        var key = new Option<string?>("--key") { Description = $"A function key of the app (default: environment {ManageApiClient.KeyVariable}); not needed in local mode.", Recursive = true };
        var json = new Option<bool>("--json") { Description = "Print the API's JSON instead of text.", Recursive = true };
        var channel = new Option<string>("--channel") { Description = "The channel id.", Required = true };
        var user = new Option<string>("--user") { Description = "The LINE user, group or room id the message would come from.", Required = true };
        var at = new Option<string?>("--at") { Description = "When, as an ISO 8601 time such as 2026-11-23T10:00:00+09:00 (default: now)." };

        var whatIf = new Command("what-if", "Which destination a message would reach, and why; nothing is sent.") { channel, user, at };
        whatIf.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var baseUrl = parse.GetValue(url) ?? Environment.GetEnvironmentVariable(ManageApiClient.UrlVariable);
            if (string.IsNullOrEmpty(baseUrl) || !Uri.TryCreate(baseUrl.TrimEnd('/') + "/", UriKind.Absolute, out var root))
            {
                await error.WriteLineAsync($"error: no admin API URL: pass --url or set {ManageApiClient.UrlVariable} (e.g. http://localhost:7071).");
                return 2;
            }

            var path = $"api/manage/channels/{Uri.EscapeDataString(parse.GetValue(channel)!)}/route/what-if?user={Uri.EscapeDataString(parse.GetValue(user)!)}";
            if (parse.GetValue(at) is { } when)
            {
                path += "&at=" + Uri.EscapeDataString(when);
            }

            using var http = handler is null ? new HttpClient() : new HttpClient(handler());
            ManageApiClient.Answer answer;
            try
            {
                answer = await new ManageApiClient(http, root, parse.GetValue(key) ?? Environment.GetEnvironmentVariable(ManageApiClient.KeyVariable))
                    .SendAsync(HttpMethod.Get, path, null, null, cancellationToken);
            }
            catch (HttpRequestException e)
            {
                await error.WriteLineAsync($"error: cannot reach {root}: {e.Message}");
                return 2;
            }

            if (!answer.IsSuccess)
            {
                foreach (var line in ManageApiClient.DescribeProblem(answer))
                {
                    await error.WriteLineAsync(line);
                }

                return 1;
            }

            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(JsonNode.Parse(answer.Body)!.ToJsonString(Indented));
            }
            else
            {
                Print(output, JsonSerializer.Deserialize(answer.Body, EnquiryApiJsonContext.Default.WhatIfResource)!);
            }

            return 0;
        });

        return new Command("route", "Explain routing decisions.") { url, key, json, whatIf };
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
