using System.CommandLine;
using System.Text.Json;
using LineConnector.Core.Enquiries;

namespace LineConnector.Cli;

/// <summary>
/// <c>line-connector notify --channel C --to U [--to U2 ...] --text T [--text T2 ...]</c>: text messages to a LINE
/// user, group or room, or to up to 500 users at once, through the admin API (<c>POST /api/manage/channels/{id}/notify</c>).
/// Pushes count against the channel's monthly quota.
/// </summary>
public static class NotifyCommand
{
    /// <param name="handler">The HTTP handler to reach the API with (tests pass the app's own); null: the network.</param>
    public static Command Create(Func<HttpMessageHandler>? handler = null)
    {
        var context = new ManageApiContext("a summary", handler);
        var channel = new Option<string>("--channel") { Description = "The channel id.", Required = true };
        var to = new Option<string[]>("--to") { Description = "A LINE user, group or room id; repeat it for up to 500 users (one multicast).", Required = true, AllowMultipleArgumentsPerToken = false };
        var text = new Option<string[]>("--text") { Description = "A text message; repeat it for up to 5, sent in order.", Required = true };
        var key = new Option<string?>("--idempotency-key") { Description = "Send the same key again to make a retried command send once." };
        var command = new Command("notify", "Send text messages to LINE users, a group or a room outside an enquiry (pushes count against the monthly quota).")
        {
            context.Url, context.Key, context.Json, channel, to, text, key,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var users = parse.GetValue(to)!;
            var body = JsonSerializer.Serialize(new NotifyRequest
            {
                To = users.Length == 1 ? JsonSerializer.SerializeToElement(users[0], CliJsonContext.Default.String) : JsonSerializer.SerializeToElement(users, CliJsonContext.Default.StringArray),
                Messages = JsonSerializer.SerializeToElement(parse.GetValue(text)!.Select(t => new TextMessage("text", t)).ToArray(), CliJsonContext.Default.TextMessageArray),
            }, EnquiryApiJsonContext.Default.NotifyRequest);
            var answer = await context.SendAsync(parse, HttpMethod.Post, $"api/manage/channels/{Uri.EscapeDataString(parse.GetValue(channel)!)}/notify", body, null, cancellationToken, parse.GetValue(key));
            if (answer is null)
            {
                return 2;
            }

            if (!answer.IsSuccess)
            {
                return ManageApiContext.Fail(parse, answer);
            }

            var accepted = JsonSerializer.Deserialize(answer.Body, EnquiryApiJsonContext.Default.NotifyAccepted)!;
            await parse.InvocationConfiguration.Output.WriteLineAsync(parse.GetValue(context.Json)
                ? answer.Body
                : $"queued {accepted.OutboundId} for {accepted.Recipients} recipient(s){(accepted.EnquiryId is { } enquiry ? $", recorded on enquiry {enquiry}" : "")}");
            return 0;
        });
        return command;
    }
}
