using Azure.Messaging.ServiceBus;

namespace LineConnector.Functions.DeadLetters;

/// <summary>What a replay did.</summary>
/// <param name="Replayed">Messages sent back to the queue and removed from its dead-letter queue, in order.</param>
/// <param name="TooRecent">The message the replay stopped at because Service Bus would still drop it as a duplicate.</param>
/// <param name="ReplayableAt">When <paramref name="TooRecent"/> can be replayed.</param>
public sealed record ReplayReport(IReadOnlyList<DeadLetterMessage> Replayed, DeadLetterMessage? TooRecent, DateTimeOffset? ReplayableAt);

/// <summary>
/// Sends dead-lettered messages back to their queue, oldest first, with their MessageId and SessionId
/// unchanged: the queue requires a session, and the handlers deduplicate on the ids, so a message that
/// did take effect before it was dead-lettered takes effect once. Each message is received from the
/// dead-letter sub-queue with a peek-lock, a copy is sent, and only then is the original completed;
/// a failed send abandons the original, which stays dead-lettered.
/// </summary>
public sealed class DeadLetterReplay(ServiceBusClient client, TimeProvider clock)
{
    /// <summary>
    /// The queues' duplicate detection window (infra/modules/servicebus.bicep): a message sent again
    /// within it of its first send is accepted by Service Bus and silently dropped.
    /// </summary>
    public static readonly TimeSpan DuplicateDetectionWindow = TimeSpan.FromMinutes(10);

    /// <summary>How long to wait for the next dead-lettered message before taking the queue as empty.</summary>
    public static readonly TimeSpan ReceiveWait = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Application properties Service Bus sets when it dead-letters a message: the copy is a new message,
    /// not a dead-lettered one. Every other property (the trace context) goes with it.
    /// </summary>
    private static readonly HashSet<string> DeadLetterProperties = ["DeadLetterReason", "DeadLetterErrorDescription"];

    /// <exception cref="ServiceBusException">Service Bus failed (no such queue, or it is unreachable).</exception>
    /// <exception cref="UnauthorizedAccessException">The signed-in principal lacks a role on the queue; the message says which.</exception>
    /// <exception cref="InvalidDataException">A dead-lettered message has no MessageId or SessionId; it stays dead-lettered.</exception>
    public async Task<ReplayReport> ReplayAsync(string queue, int maxMessages, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMessages);
        await using var receiver = client.CreateReceiver(queue, new ServiceBusReceiverOptions
        {
            SubQueue = SubQueue.DeadLetter,
            ReceiveMode = ServiceBusReceiveMode.PeekLock,
            PrefetchCount = 0,
        });
        await using var sender = client.CreateSender(queue);
        var replayed = new List<DeadLetterMessage>();
        while (replayed.Count < maxMessages)
        {
            var message = await ReceiveAsync(receiver, queue, cancellationToken);
            if (message is null)
            {
                break;
            }

            if (string.IsNullOrEmpty(message.MessageId) || string.IsNullOrEmpty(message.SessionId))
            {
                await receiver.AbandonMessageAsync(message, cancellationToken: CancellationToken.None);
                throw new InvalidDataException($"Dead-lettered message {message.SequenceNumber} of '{queue}' has no MessageId or SessionId; the connector's queues require both. It stays dead-lettered.");
            }

            var deadLetter = DeadLetterMessage.Of(message);
            var replayableAt = deadLetter.EnqueuedTime + DuplicateDetectionWindow;
            if (clock.GetUtcNow() < replayableAt)
            {
                // Later messages were enqueued later still: stop here.
                await receiver.AbandonMessageAsync(message, cancellationToken: cancellationToken);
                return new ReplayReport(replayed, deadLetter, replayableAt);
            }

            try
            {
                await sender.SendMessageAsync(Copy(message), cancellationToken);
            }
            catch (Exception e)
            {
                await receiver.AbandonMessageAsync(message, cancellationToken: CancellationToken.None);
                if (e is UnauthorizedAccessException)
                {
                    throw new UnauthorizedAccessException($"Could not send to queue '{queue}': {e.Message} The signed-in principal needs Azure Service Bus Data Sender on the queue.", e);
                }

                throw;
            }

            await receiver.CompleteMessageAsync(message, cancellationToken);
            replayed.Add(deadLetter);
        }

        return new ReplayReport(replayed, null, null);
    }

    private static async Task<ServiceBusReceivedMessage?> ReceiveAsync(ServiceBusReceiver receiver, string queue, CancellationToken cancellationToken)
    {
        try
        {
            return await receiver.ReceiveMessageAsync(ReceiveWait, cancellationToken);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UnauthorizedAccessException($"Could not receive from the dead-letter queue of '{queue}': {e.Message} The signed-in principal needs Azure Service Bus Data Receiver on the queue.", e);
        }
    }

    /// <summary>A new message with the original's body, ids, content type and properties (less those of the dead-lettering).</summary>
    private static ServiceBusMessage Copy(ServiceBusReceivedMessage message)
    {
        var copy = new ServiceBusMessage(message.Body)
        {
            MessageId = message.MessageId,
            SessionId = message.SessionId,
            ContentType = message.ContentType,
        };
        foreach (var (name, value) in message.ApplicationProperties)
        {
            if (!DeadLetterProperties.Contains(name))
            {
                copy.ApplicationProperties[name] = value;
            }
        }

        return copy;
    }
}
