using LineConnector.Core.Inbound;
using LineConnector.Core.Line;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LineConnector.Functions.Webhook;

/// <summary>
/// The <c>LineWebhook</c> function: <c>POST /api/line/{channelId}</c>. HTTP in and HTTP out only,
/// so the Functions host proxies the request unchanged and the signature is checked on the exact
/// bytes LINE sent; the body is read raw, never model-bound.
/// </summary>
public static partial class LineWebhookEndpoint
{
    public const string Route = "/api/line/{channelId}";

    public static void MapLineWebhook(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost(Route, HandleAsync).WithName("LineWebhook").DisableAntiforgery();

    private static async Task<Results<Ok, ProblemHttpResult>> HandleAsync(
        string channelId,
        HttpRequest request,
        WebhookIntake intake,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger("LineConnector.Webhook");
        if (request.ContentLength > WebhookIntake.MaxBodyBytes)
        {
            LogRefused(logger, channelId, WebhookStatus.PayloadTooLarge, "Content-Length exceeds the limit");
            return Problem(WebhookStatus.PayloadTooLarge, $"The body is {request.ContentLength} bytes; at most {WebhookIntake.MaxBodyBytes} are accepted.");
        }

        using var body = new CappedBody(request.ContentLength is { } declared ? (int)declared : 16 * 1024);
        if (!await body.ReadAsync(request.Body, WebhookIntake.MaxBodyBytes, cancellationToken))
        {
            LogRefused(logger, channelId, WebhookStatus.PayloadTooLarge, "the body exceeds the limit");
            return Problem(WebhookStatus.PayloadTooLarge, $"The body exceeds {WebhookIntake.MaxBodyBytes} bytes.");
        }

        var outcome = await intake.AcceptAsync(channelId, body.Memory, request.Headers[LineSignature.HeaderName], cancellationToken);
        if (outcome.Status == WebhookStatus.Accepted)
        {
            if (outcome.RejectedEvents == 0)
            {
                LogAccepted(logger, channelId, outcome.QueuedEvents);
            }
            else
            {
                // One line per webhook, however many events it rejected; each is also a row of RejectedEvents.
                LogRejected(logger, channelId, outcome.QueuedEvents, outcome.RejectedEvents, RejectedEventLog.Table, Summary(outcome));
            }

            return TypedResults.Ok();
        }

        if (outcome.Error is not null)
        {
            LogFailed(logger, outcome.Error, channelId, outcome.Status, outcome.Reason);
        }
        else
        {
            LogRefused(logger, channelId, outcome.Status, outcome.Reason);
        }

        return Problem(outcome.Status, outcome.Reason);
    }

    private static string Summary(WebhookOutcome outcome)
    {
        const int Shown = 10;
        var shown = string.Join("; ", outcome.Rejected.Take(Shown));
        return outcome.RejectedEvents > Shown ? $"{shown}; and {outcome.RejectedEvents - Shown} more" : shown;
    }

    private static ProblemHttpResult Problem(WebhookStatus status, string? detail)
    {
        var (code, title) = status switch
        {
            WebhookStatus.PayloadTooLarge => (StatusCodes.Status413PayloadTooLarge, "Webhook body too large"),
            WebhookStatus.UnknownChannel => (StatusCodes.Status404NotFound, "Unknown channel"),
            WebhookStatus.BadSignature => (StatusCodes.Status401Unauthorized, "Invalid signature"),
            WebhookStatus.MalformedBody => (StatusCodes.Status400BadRequest, "Malformed webhook body"),
            WebhookStatus.WrongDestination => (StatusCodes.Status403Forbidden, "Webhook for another bot"),
            // Still 500, so that LINE redelivers the events once an operator has fixed the channel.
            WebhookStatus.ChannelMisconfigured => (StatusCodes.Status500InternalServerError, "Channel misconfigured"),
            // 500 makes LINE redeliver (when redelivery is on): nothing accepted is lost.
            _ => (StatusCodes.Status500InternalServerError, "Events not queued"),
        };
        return TypedResults.Problem(detail, statusCode: code, title: title);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook for channel {ChannelId}: queued {EventCount} event(s)")]
    private static partial void LogAccepted(ILogger logger, string channelId, int eventCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook for channel {ChannelId}: queued {EventCount} event(s), rejected {RejectedCount} that cannot be used (recorded in table {Table}): {Rejections}")]
    private static partial void LogRejected(ILogger logger, string channelId, int eventCount, int rejectedCount, string table, string rejections);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook for channel {ChannelId} refused ({Status}): {Reason}")]
    private static partial void LogRefused(ILogger logger, string channelId, WebhookStatus status, string? reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook for channel {ChannelId} failed ({Status}): {Reason}")]
    private static partial void LogFailed(ILogger logger, Exception error, string channelId, WebhookStatus status, string? reason);
}
