using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using LineConnector.Core.Channels;

namespace LineConnector.Cli;

/// <summary>
/// <c>line-connector channels list|show|create|update|suspend|resume|delete|set-credentials</c>
/// against the admin API. The API's URL and function key come from <c>--url</c>/<c>--key</c> or
/// <c>LINE_CONNECTOR_URL</c>/<c>LINE_CONNECTOR_KEY</c>. Tables for people by default, the API's
/// JSON with <c>--json</c>. Credentials are read from options or the environment and never printed.
/// </summary>
public static class ChannelCommands
{
    /// <param name="handler">The HTTP handler to reach the API with (tests pass the app's own); null: the network.</param>
    public static Command Create(Func<HttpMessageHandler>? handler = null)
    {
        var context = new ManageApiContext("a table", handler);
        var channels = new Command("channels", "Manage channels: LINE Official Accounts connected to the connector.") { context.Url, context.Key, context.Json };

        var id = new Argument<string>("id") { Description = "The channel id." };
        var settingsFile = new Option<FileInfo>("--settings") { Description = "A JSON file with the channel's settings (name, timeZone, routing, destinations, ...).", Required = true };
        var lineChannelId = new Option<string?>("--line-channel-id") { Description = "The LINE channel id (LINE Developers console, Basic settings); needed unless --access-token is given." };
        var secret = new Option<string?>("--channel-secret") { Description = "The channel secret (default: environment LINE_CHANNEL_SECRET)." };
        var token = new Option<string?>("--access-token") { Description = "A long-lived channel access token (default: environment LINE_CHANNEL_ACCESS_TOKEN); leave it out to mint stateless tokens." };

        var list = new Command("list", "List the channels.");
        list.SetAction((parse, ct) => context.RunAsync(parse, HttpMethod.Get, "api/manage/channels", null, null, PrintList, ct));

        var show = new Command("show", "Show a channel's settings.") { id };
        show.SetAction((parse, ct) => context.RunAsync(parse, HttpMethod.Get, ChannelPath(parse.GetValue(id)!), null, null, PrintChannel, ct));

        var create = new Command("create", "Create a channel; its credentials are checked with LINE and stored in Key Vault.") { id, settingsFile, lineChannelId, secret, token };
        create.SetAction(async (parse, ct) =>
        {
            var settings = await ReadSettingsAsync(parse, settingsFile, ct);
            if (settings is null)
            {
                return 2;
            }

            var request = new ChannelCreateRequest(parse.GetValue(id), settings, Credentials(parse, lineChannelId, secret, token));
            var body = JsonSerializer.Serialize(request, ChannelJsonContext.Default.ChannelCreateRequest);
            return await context.RunAsync(parse, HttpMethod.Post, "api/manage/channels", body, null, PrintChannel, ct);
        });

        var update = new Command("update", "Replace a channel's settings (refused if it changed since it was read).") { id, settingsFile };
        update.SetAction(async (parse, ct) =>
        {
            var settings = await ReadSettingsAsync(parse, settingsFile, ct);
            if (settings is null)
            {
                return 2;
            }

            var path = ChannelPath(parse.GetValue(id)!);
            var current = await context.SendAsync(parse, HttpMethod.Get, path, null, null, ct);
            if (current is null || !current.IsSuccess)
            {
                return current is null ? 2 : ManageApiContext.Fail(parse, current);
            }

            var body = JsonSerializer.Serialize(settings, ChannelJsonContext.Default.ChannelSettings);
            return await context.RunAsync(parse, HttpMethod.Put, path, body, current.ETag, PrintChannel, ct);
        });

        var suspend = new Command("suspend", "Stop opening enquiries (the webhook keeps answering LINE).") { id };
        suspend.SetAction((parse, ct) => context.RunAsync(parse, HttpMethod.Post, ChannelPath(parse.GetValue(id)!) + "/suspend", null, null, PrintChannel, ct));

        var resume = new Command("resume", "Open enquiries again.") { id };
        resume.SetAction((parse, ct) => context.RunAsync(parse, HttpMethod.Post, ChannelPath(parse.GetValue(id)!) + "/resume", null, null, PrintChannel, ct));

        var delete = new Command("delete", "Delete a channel; its LINE account may then back another channel.") { id };
        delete.SetAction((parse, ct) => context.RunAsync(parse, HttpMethod.Delete, ChannelPath(parse.GetValue(id)!), null, null, PrintChannel, ct));

        var setCredentials = new Command("set-credentials", "Replace a channel's LINE credentials (the old secret stays accepted for the grace period).") { id, lineChannelId, secret, token };
        setCredentials.SetAction((parse, ct) =>
        {
            var body = JsonSerializer.Serialize(Credentials(parse, lineChannelId, secret, token), ChannelJsonContext.Default.ChannelCredentialsRequest);
            return context.RunAsync(parse, HttpMethod.Put, ChannelPath(parse.GetValue(id)!) + "/credentials", body, null, PrintChannel, ct);
        });

        foreach (var command in new[] { list, show, create, update, suspend, resume, delete, setCredentials })
        {
            channels.Subcommands.Add(command);
        }

        return channels;
    }

    private static string ChannelPath(string id) => "api/manage/channels/" + Uri.EscapeDataString(id);

    private static ChannelCredentialsRequest Credentials(ParseResult parse, Option<string?> lineChannelId, Option<string?> secret, Option<string?> token) => new(
        parse.GetValue(lineChannelId),
        parse.GetValue(secret) ?? Environment.GetEnvironmentVariable("LINE_CHANNEL_SECRET"),
        parse.GetValue(token) ?? Environment.GetEnvironmentVariable("LINE_CHANNEL_ACCESS_TOKEN"));

    private static async Task<ChannelSettings?> ReadSettingsAsync(ParseResult parse, Option<FileInfo> option, CancellationToken cancellationToken)
    {
        var file = parse.GetValue(option)!;
        try
        {
            await using var stream = file.OpenRead();
            return await JsonSerializer.DeserializeAsync(stream, ChannelJsonContext.Default.ChannelSettings, cancellationToken)
                ?? throw new JsonException("the file holds null");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            var where = e is JsonException { Path: { } path } ? $" at {path}" : "";
            await parse.InvocationConfiguration.Error.WriteLineAsync($"error: cannot read settings from {file.FullName}{where}: {e.Message}");
            return null;
        }
    }

    private static void PrintList(TextWriter output, string body)
    {
        var list = JsonSerializer.Deserialize(body, ChannelJsonContext.Default.ChannelListResource)!;
        var rows = list.Channels.Select(c => new[] { c.Id, c.Name, ChannelTexts.Status.Format(c.Status), c.BotUserId ?? "-", c.LineChannelId ?? "-" }).ToList();
        Table(output, ["ID", "NAME", "STATUS", "BOT USER ID", "LINE CHANNEL ID"], rows);
        foreach (var unreadable in list.Unreadable)
        {
            output.WriteLine();
            output.WriteLine($"{unreadable.Id}: cannot be read");
            foreach (var problem in unreadable.Problems)
            {
                output.WriteLine($"  {problem}");
            }
        }
    }

    private static void PrintChannel(TextWriter output, string body)
    {
        var c = JsonSerializer.Deserialize(body, ChannelJsonContext.Default.ChannelResource)!;
        var s = c.Settings;
        Table(output, ["FIELD", "VALUE"],
        [
            ["id", c.Id],
            ["name", s.Name],
            ["status", ChannelTexts.Status.Format(c.Status)],
            ["time zone", s.TimeZone],
            ["LINE channel id", c.LineChannelId ?? "-"],
            ["bot user id", c.BotUserId ?? "-"],
            ["routing", Routing(s.Routing)],
            ["welcome message", AutoMessage(s.AutoMessages.Welcome, s.AutoMessages.WelcomeText)],
            ["away message", AutoMessage(s.AutoMessages.Away, s.AutoMessages.AwayText)],
            ["close message", AutoMessage(s.AutoMessages.Close, s.AutoMessages.CloseText)],
            ["staff name", ChannelTexts.StaffNameFormat.Format(s.StaffNameFormat)],
            ["missed after", $"{s.MissedEnquiryTimeoutSeconds.ToString(CultureInfo.InvariantCulture)} s"],
            ["sticky period", $"{s.StickyPeriodMinutes.ToString(CultureInfo.InvariantCulture)} min"],
            ["custom info", s.CustomInfo.Length == 0 ? "-" : $"{s.CustomInfo.Length.ToString(CultureInfo.InvariantCulture)} characters"],
            ["etag", c.ETag],
        ]);
        output.WriteLine();
        Table(output, ["DESTINATION", "KIND", "TRANSPORT", "ADDRESS", "SCHEDULE"], s.Destinations.Select(d => new[]
        {
            d.Id,
            ChannelTexts.DestinationKind.Format(d.Kind),
            ChannelTexts.Transport.Format(d.Transport),
            d.WebhookUrl?.OriginalString ?? d.QueueName ?? "-",
            d.Schedule is null ? "always" : string.Join("; ", d.Schedule.Days.Select(p => $"{ChannelTexts.Day.Format(p.Key)} {string.Join(",", p.Value)}")),
        }).ToList());
    }

    private static string Routing(RoutingRule rule)
    {
        var kind = ChannelTexts.RoutingKind.Format(rule.Kind);
        return rule.Kind switch
        {
            RoutingKind.Sticky => $"sticky, else {Routing(rule.Fallback!)}",
            RoutingKind.Time => $"time: {string.Join("; ", rule.TimeWindows.Select(w => $"{string.Join(",", w.Days.Select(ChannelTexts.Day.Format))} {HourMinute.Format(w.From)}-{HourMinute.Format(w.To)} -> {string.Join(" > ", w.Destinations)}"))}; other times -> {string.Join(" > ", rule.OtherTimes)}",
            RoutingKind.Percentage => $"{kind}: {string.Join(", ", rule.Targets.Select(t => $"{t.Destination} {t.Weight}%"))}",
            _ => $"{kind}: {string.Join(" > ", rule.Targets.Select(t => t.Destination))}",
        };
    }

    private static string AutoMessage(AutoMessage message, string text) => (message.Enabled ? "on: " : "off: ") + (text.Length > 50 ? text[..47] + "..." : text);

    private static void Table(TextWriter output, string[] headers, IReadOnlyList<string[]> rows)
    {
        var widths = headers.Select((h, i) => rows.Select(r => r[i].Length).Prepend(h.Length).Max()).ToArray();
        output.WriteLine(string.Join("  ", headers.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        foreach (var row in rows)
        {
            output.WriteLine(string.Join("  ", row.Select((v, i) => v.Replace('\n', ' ').PadRight(widths[i]))).TrimEnd());
        }
    }
}
