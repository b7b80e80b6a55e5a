using System.Collections.Concurrent;
using LineConnector.Core.Queueing;

namespace LineConnector.Tests.Support;

/// <summary>A queue that records what was sent, or fails every send when given an error.</summary>
public sealed class RecordingQueueSender(Exception? failWith = null) : IQueueSender
{
    public ConcurrentQueue<(string Queue, QueueMessage Message)> Sent { get; } = new();

    public int Calls { get; private set; }

    public Task SendAsync(string queueName, IReadOnlyList<QueueMessage> messages, CancellationToken cancellationToken)
    {
        Calls++;
        if (failWith is not null)
        {
            throw failWith;
        }

        foreach (var message in messages)
        {
            Sent.Enqueue((queueName, message));
        }

        return Task.CompletedTask;
    }
}
