using LineConnector.Core.Queueing;

namespace LineConnector.Functions.LocalMode;

/// <summary>Delivers local mode's queued messages to the queue handlers, as the Functions host's Service Bus trigger does in Azure.</summary>
public sealed partial class InProcessQueuePump(
    InProcessQueue queue,
    IEnumerable<IQueueMessageHandler> handlers,
    TimeProvider clock,
    ILogger<InProcessQueuePump> logger) : BackgroundService
{
    private readonly Dictionary<string, IQueueMessageHandler> _handlers = handlers.ToDictionary(h => h.QueueName, StringComparer.Ordinal);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var workers = Enumerable.Range(0, Math.Max(1, queue.Options.MaxConcurrentSessions))
            .Select(_ => Task.Run(() => WorkAsync(stoppingToken), stoppingToken));
        return Task.WhenAll(workers);
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var session in queue.ReadySessions.ReadAllAsync(stoppingToken))
            {
                while (queue.Peek(session) is { } delivery)
                {
                    await DeliverAsync(session, delivery, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task DeliverAsync(InProcessQueue.SessionState session, InProcessQueue.LocalDelivery delivery, CancellationToken stoppingToken)
    {
        delivery.DeliveryCount++;
        var message = delivery.Message;
        try
        {
            if (!_handlers.TryGetValue(session.Queue, out var handler))
            {
                throw new InvalidOperationException($"No handler is registered for queue '{session.Queue}'.");
            }

            var received = new ReceivedMessage(message.MessageId, message.SessionId, delivery.DeliveryCount, System.Text.Encoding.UTF8.GetString(message.Body.Span))
            {
                ApplicationProperties = message.ApplicationProperties,
            };
            await QueueTracing.HandleAsync(handler, received, QueueTracing.InProcessSystem, stoppingToken);
            queue.Complete(session);
        }
        catch (Exception error) when (!stoppingToken.IsCancellationRequested)
        {
            if (delivery.DeliveryCount >= queue.Options.MaxDeliveryCount)
            {
                queue.DeadLetter(session, delivery, error);
                return;
            }

            LogRedelivering(error, session.Queue, message.MessageId, delivery.DeliveryCount, queue.Options.MaxDeliveryCount);
            // The session stays locked meanwhile, so later messages of this session wait: order is kept.
            await Task.Delay(queue.Options.RetryDelay, clock, stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handling message {MessageId} on {Queue} failed (delivery {DeliveryCount} of {MaxDeliveryCount}); it will be delivered again")]
    private partial void LogRedelivering(Exception error, string queue, string messageId, int deliveryCount, int maxDeliveryCount);
}
