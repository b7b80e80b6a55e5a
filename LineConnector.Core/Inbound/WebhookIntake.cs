using LineConnector.Core.Channels;
using LineConnector.Core.Line;
using LineConnector.Core.Queueing;
using LineConnector.Core.Storage;
using LineConnector.Core.Telemetry;

namespace LineConnector.Core.Inbound;

/// <summary>
/// Accepts a LINE webhook: checks size, channel and signature on the raw bytes, then queues one
/// <c>line-inbound</c> message per usable event and records the events it rejects. Nothing is
/// answered "accepted" unless it is queued or recorded.
/// </summary>
public sealed class WebhookIntake(IWebhookChannelSource channels, IQueueSender queue, RejectedEventLog rejections, TimeProvider clock)
{
    /// <summary>The largest body accepted (LINE's webhooks are far smaller).</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    public async Task<WebhookOutcome> AcceptAsync(string channelId, ReadOnlyMemory<byte> body, string? signature, CancellationToken cancellationToken)
    {
        if (body.Length > MaxBodyBytes)
        {
            return WebhookOutcome.Refused(WebhookStatus.PayloadTooLarge, $"the body is {body.Length} bytes; at most {MaxBodyBytes} are accepted");
        }

        if (!ChannelId.IsValid(channelId))
        {
            return WebhookOutcome.Refused(WebhookStatus.UnknownChannel, "no channel has this id");
        }

        try
        {
            var channel = await channels.FindAsync(channelId, refreshSecrets: false, cancellationToken);
            if (channel is not null && !IsSignedBy(channel, body.Span, signature) && !string.IsNullOrEmpty(signature))
            {
                // The secret may have been rotated since it was cached: read it once more.
                channel = await channels.FindAsync(channelId, refreshSecrets: true, cancellationToken);
                if (channel is not null && !IsSignedBy(channel, body.Span, signature))
                {
                    return WebhookOutcome.Refused(WebhookStatus.BadSignature, "the x-line-signature header does not match the body");
                }
            }

            if (channel is null)
            {
                return WebhookOutcome.Refused(WebhookStatus.UnknownChannel, "no channel has this id");
            }

            if (string.IsNullOrEmpty(signature))
            {
                return WebhookOutcome.Refused(WebhookStatus.BadSignature, "the x-line-signature header is missing");
            }

            var receivedAt = clock.GetUtcNow();
            if (!WebhookSplitter.TrySplit(channelId, body.Span, receivedAt, out var batch, out var error))
            {
                return WebhookOutcome.Refused(WebhookStatus.MalformedBody, error!);
            }

            if (!IsFor(channel, batch.Destination))
            {
                // The channel may have been moved to another LINE account since it was cached: read it once more.
                channel = await channels.FindAsync(channelId, refreshSecrets: true, cancellationToken);
                if (channel is null)
                {
                    return WebhookOutcome.Refused(WebhookStatus.UnknownChannel, "no channel has this id");
                }

                if (!IsFor(channel, batch.Destination))
                {
                    return WebhookOutcome.Refused(
                        WebhookStatus.WrongDestination,
                        $"the webhook is for bot '{batch.Destination}', but this channel is connected to bot '{channel.BotUserId}'");
                }
            }

            try
            {
                if (batch.Messages.Count > 0)
                {
                    await queue.SendAsync(QueueNames.Inbound, batch.Messages, cancellationToken);
                    ConnectorMetrics.EventsQueued(channelId, batch.Messages.Count);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return WebhookOutcome.Failed(WebhookStatus.QueueUnavailable, $"the events could not be queued on '{QueueNames.Inbound}'", e);
            }

            try
            {
                await rejections.RecordAsync(channelId, receivedAt, batch.Rejected, cancellationToken);
            }
            catch (TableStoreException e)
            {
                return WebhookOutcome.Failed(WebhookStatus.StoreUnavailable, $"the rejected events could not be recorded in table '{RejectedEventLog.Table}'", e);
            }

            return WebhookOutcome.Accepted(batch.Messages.Count, batch.RejectedCount, batch.Rejected);
        }
        catch (Exception e) when (e is TableStoreException or SecretStoreException)
        {
            return WebhookOutcome.Failed(WebhookStatus.StoreUnavailable, "the channel's configuration could not be read", e);
        }
        catch (Exception e) when (e is ChannelConfigurationException or DomainException { Error: DomainError.Misconfigured })
        {
            return WebhookOutcome.Failed(WebhookStatus.ChannelMisconfigured, e.Message, e);
        }
    }

    private static bool IsFor(WebhookChannel channel, string destination) =>
        channel.BotUserId is null || string.Equals(destination, channel.BotUserId, StringComparison.Ordinal);

    private static bool IsSignedBy(WebhookChannel channel, ReadOnlySpan<byte> body, string? signature)
    {
        var valid = false;
        foreach (var secret in channel.Secrets)
        {
            // Every secret is checked so that the time taken does not tell which one matched.
            valid |= LineSignature.IsValid(body, signature, secret);
        }

        return valid;
    }
}

public enum WebhookStatus
{
    Accepted,
    PayloadTooLarge,
    UnknownChannel,
    BadSignature,
    MalformedBody,
    WrongDestination,

    /// <summary>The channel cannot take webhooks as configured (no channel secret, a bad row): an operator must fix it.</summary>
    ChannelMisconfigured,
    StoreUnavailable,
    QueueUnavailable,
}

/// <param name="QueuedEvents">How many events were queued.</param>
/// <param name="Reason">Why it was refused or failed; never contains a secret.</param>
/// <param name="Error">The fault behind a failure, for the log.</param>
public sealed record WebhookOutcome(WebhookStatus Status, int QueuedEvents, string? Reason, Exception? Error)
{
    /// <summary>How many events of an accepted webhook were rejected on their own.</summary>
    public int RejectedEvents { get; init; }

    /// <summary>The first of them (at most <see cref="WebhookSplitter.MaxRejectionsKept"/>), with their reasons.</summary>
    public IReadOnlyList<RejectedEvent> Rejected { get; init; } = [];

    public static WebhookOutcome Accepted(int queuedEvents, int rejectedEvents = 0, IReadOnlyList<RejectedEvent>? rejected = null) =>
        new(WebhookStatus.Accepted, queuedEvents, null, null) { RejectedEvents = rejectedEvents, Rejected = rejected ?? [] };

    public static WebhookOutcome Refused(WebhookStatus status, string reason) => new(status, 0, reason, null);

    public static WebhookOutcome Failed(WebhookStatus status, string reason, Exception error) => new(status, 0, reason, error);
}
