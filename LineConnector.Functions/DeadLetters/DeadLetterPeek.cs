using Azure.Messaging.ServiceBus;

namespace LineConnector.Functions.DeadLetters;

/// <summary>Lists a queue's dead-lettered messages, oldest first, by peeking: nothing is locked or removed.</summary>
public static class DeadLetterPeek
{
    /// <summary>Messages per peek (Service Bus returns at most what it has at hand).</summary>
    private const int PageSize = 100;

    /// <exception cref="ServiceBusException">Service Bus failed (no such queue, or it is unreachable).</exception>
    /// <exception cref="UnauthorizedAccessException">The signed-in principal lacks a role on the queue; the message says which.</exception>
    public static async Task<IReadOnlyList<DeadLetterMessage>> ListAsync(ServiceBusClient client, string queue, int maxMessages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(queue);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMessages);
        await using var receiver = client.CreateReceiver(queue, new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter, PrefetchCount = 0 });
        var messages = new List<DeadLetterMessage>();
        long? next = null;
        while (messages.Count < maxMessages)
        {
            IReadOnlyList<ServiceBusReceivedMessage> page;
            try
            {
                page = await receiver.PeekMessagesAsync(Math.Min(PageSize, maxMessages - messages.Count), next, cancellationToken);
            }
            catch (UnauthorizedAccessException e)
            {
                throw new UnauthorizedAccessException($"Could not read the dead-letter queue of '{queue}': {e.Message} The signed-in principal needs Azure Service Bus Data Receiver on the queue.", e);
            }

            if (page.Count == 0)
            {
                break;
            }

            messages.AddRange(page.Select(DeadLetterMessage.Of));
            next = page[^1].SequenceNumber + 1;
        }

        return messages;
    }
}
