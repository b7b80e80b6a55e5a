namespace LineConnector.Core.Queueing;

/// <summary>Sends messages to a queue; either all are accepted or the call throws.</summary>
public interface IQueueSender
{
    Task SendAsync(string queueName, IReadOnlyList<QueueMessage> messages, CancellationToken cancellationToken);
}

/// <summary>
/// Handles the messages of one queue. Returning completes the message; throwing fails the
/// delivery so that it is redelivered, and dead-lettered after the queue's maximum delivery count.
/// </summary>
public interface IQueueMessageHandler
{
    string QueueName { get; }

    Task HandleAsync(ReceivedMessage message, CancellationToken cancellationToken);
}
