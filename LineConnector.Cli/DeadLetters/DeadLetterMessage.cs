using Azure.Messaging.ServiceBus;

namespace LineConnector.Cli.DeadLetters;

/// <summary>What the replay reports of a dead-lettered message.</summary>
/// <param name="EnqueuedTime">When Service Bus enqueued it; duplicate detection counts from its send.</param>
/// <param name="DeadLetterReason">Why Service Bus dead-lettered it (e.g. MaxDeliveryCountExceeded, TTLExpiredException).</param>
public sealed record DeadLetterMessage(
    string MessageId,
    string SessionId,
    long SequenceNumber,
    DateTimeOffset EnqueuedTime,
    int DeliveryCount,
    string? DeadLetterReason)
{
    public static DeadLetterMessage Of(ServiceBusReceivedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new DeadLetterMessage(message.MessageId, message.SessionId, message.SequenceNumber, message.EnqueuedTime, message.DeliveryCount, message.DeadLetterReason);
    }
}
