using Azure.Messaging.ServiceBus;
using LineConnector.Functions.LocalMode;

namespace LineConnector.Functions.DeadLetters;

/// <summary>What the dead-letter commands report of a dead-lettered message, on Service Bus or in local mode's store.</summary>
/// <param name="EnqueuedTime">When it was enqueued; Service Bus's duplicate detection counts from its send.</param>
/// <param name="DeadLetterReason">
/// Why it was dead-lettered: Service Bus's reason (e.g. MaxDeliveryCountExceeded, TTLExpiredException), or in local mode the handler's last error.
/// </param>
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

    public static DeadLetterMessage Of(DeadLetteredMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new DeadLetterMessage(message.Message.MessageId, message.Message.SessionId, message.SequenceNumber, message.EnqueuedAt, message.DeliveryCount, message.Reason);
    }
}
