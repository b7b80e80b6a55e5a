using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;
using LineConnector.Core.Queueing;
using LineConnector.Core.Telemetry;

namespace LineConnector.Functions.ServiceBus;

/// <summary>
/// Sends to Service Bus queues through the app's one <see cref="ServiceBusClient"/> (AMQP, managed
/// identity), one <see cref="ServiceBusSender"/> per queue. The messages of a call go in as few batches
/// as their size allows, in order: when a batch is full it is sent and the next one started. A message
/// too large for a batch of its own fails the call with <see cref="ServiceBusFailureReason.MessageSizeExceeded"/>.
/// Batches sent before a failure stay sent; the caller's retry sends them again with the same
/// MessageIds, and the queue's duplicate detection drops them.
/// </summary>
public sealed class ServiceBusQueueSender(ServiceBusClient client) : IQueueSender
{
    private readonly ConcurrentDictionary<string, ServiceBusSender> _senders = new(StringComparer.Ordinal);

    public async Task SendAsync(string queueName, IReadOnlyList<QueueMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queueName);
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return;
        }

        using var activity = QueueTracing.StartSend(QueueTracing.ServiceBusSystem, queueName, messages.Count);
        try
        {
            await SendBatchesAsync(_senders.GetOrAdd(queueName, client.CreateSender), queueName, messages, cancellationToken);
        }
        catch (Exception e)
        {
            ConnectorTelemetry.Failed(activity, e);
            throw;
        }
    }

    private static async Task SendBatchesAsync(ServiceBusSender sender, string queueName, IReadOnlyList<QueueMessage> messages, CancellationToken cancellationToken)
    {
        var batch = await sender.CreateMessageBatchAsync(cancellationToken);
        try
        {
            foreach (var message in messages)
            {
                var serviceBusMessage = ToServiceBus(QueueTracing.WithTraceContext(message));
                if (batch.TryAddMessage(serviceBusMessage))
                {
                    continue;
                }

                if (batch.Count == 0)
                {
                    throw TooLarge(queueName, message, batch.MaxSizeInBytes);
                }

                await sender.SendMessagesAsync(batch, cancellationToken);
                batch.Dispose();
                batch = await sender.CreateMessageBatchAsync(cancellationToken);
                if (!batch.TryAddMessage(serviceBusMessage))
                {
                    throw TooLarge(queueName, message, batch.MaxSizeInBytes);
                }
            }

            await sender.SendMessagesAsync(batch, cancellationToken);
        }
        finally
        {
            batch.Dispose();
        }
    }

    private static ServiceBusMessage ToServiceBus(QueueMessage message)
    {
        var serviceBusMessage = new ServiceBusMessage(BinaryData.FromBytes(message.Body))
        {
            MessageId = message.MessageId,
            SessionId = message.SessionId,
            ContentType = message.ContentType,
        };
        if (message.ScheduledEnqueueTime is { } at)
        {
            serviceBusMessage.ScheduledEnqueueTime = at.ToUniversalTime();
        }

        foreach (var (name, value) in message.ApplicationProperties)
        {
            serviceBusMessage.ApplicationProperties[name] = value;
        }

        return serviceBusMessage;
    }

    private static ServiceBusException TooLarge(string queueName, QueueMessage message, long maxBatchBytes) => new(
        $"Message {message.MessageId} for queue '{queueName}' does not fit in a Service Bus batch even alone: its body is {message.Body.Length} bytes, "
        + $"and a batch takes at most {maxBatchBytes} bytes with the messages' properties. It is not sent.",
        ServiceBusFailureReason.MessageSizeExceeded,
        queueName);
}
