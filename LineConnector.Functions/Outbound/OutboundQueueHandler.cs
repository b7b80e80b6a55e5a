using LineConnector.Core.Outbound;
using LineConnector.Core.Privacy;
using LineConnector.Core.Queueing;

namespace LineConnector.Functions.Outbound;

/// <summary>
/// The <c>line-outbound</c> trigger: delivers the message to LINE. Returning completes the queue
/// message (delivered, or failed for good and recorded); a transient failure throws and is redelivered.
/// </summary>
public sealed partial class OutboundQueueHandler(OutboundDelivery delivery, SensitiveLogging sensitive, ILogger<OutboundQueueHandler> logger) : IQueueMessageHandler
{
    public string QueueName => QueueNames.Outbound;

    public async Task HandleAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        var result = await delivery.DeliverAsync(message, cancellationToken);
        // The session names the user: masked as the channel says (DataProtectionSettings).
        var channelId = ConversationSession.Parse(message.SessionId).ChannelId;
        LogHandled(
            message.MessageId,
            await sensitive.ForAsync(channelId, message.SessionId, cancellationToken),
            message.DeliveryCount,
            result.Status,
            result.Failure?.Reason is { } reason ? await sensitive.ForAsync(channelId, reason, cancellationToken) : null);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbound message {MessageId} for session {SessionId} (delivery {DeliveryCount}): {Status} {Reason}")]
    private partial void LogHandled(string messageId, string sessionId, int deliveryCount, OutboundStatus status, string? reason);
}
