using LineConnector.Core.Queueing;

namespace LineConnector.Functions.Outbound;

/// <summary>Handles <c>line-outbound</c> messages by logging them (delivery to LINE builds on this).</summary>
public sealed partial class OutboundMessageLogHandler(ILogger<OutboundMessageLogHandler> logger) : IQueueMessageHandler
{
    public string QueueName => QueueNames.Outbound;

    public Task HandleAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        LogReceived(message.MessageId, message.SessionId, message.Body.Length, message.DeliveryCount);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbound message {MessageId} for session {SessionId}: {Length} characters (delivery {DeliveryCount})")]
    private partial void LogReceived(string messageId, string sessionId, int length, int deliveryCount);
}
