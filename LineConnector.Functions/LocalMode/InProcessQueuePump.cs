using LineConnector.Core.Privacy;
using LineConnector.Core.Queueing;

namespace LineConnector.Functions.LocalMode;

/// <summary>
/// Delivers local mode's queued messages to the queue handlers, as the Functions host's Service Bus trigger
/// does in Azure: at start it takes up what the store holds, then each worker takes one session at a time.
/// </summary>
public sealed partial class InProcessQueuePump(
    InProcessQueue queue,
    IEnumerable<IQueueMessageHandler> handlers,
    TimeProvider clock,
    SensitiveLogging sensitive,
    ILogger<InProcessQueuePump> logger) : BackgroundService
{
    private readonly Dictionary<string, IQueueMessageHandler> _handlers = handlers.ToDictionary(h => h.QueueName, StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var sessions = await queue.RecoverAsync(stoppingToken);
        if (sessions > 0)
        {
            LogRecovered(sessions);
        }

        var workers = Enumerable.Range(0, Math.Max(1, queue.Options.MaxConcurrentSessions))
            .Select(_ => Task.Run(() => WorkAsync(stoppingToken), stoppingToken));
        await Task.WhenAll(workers);
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var session in queue.ReadySessions.ReadAllAsync(stoppingToken))
            {
                await DrainAsync(session, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Delivers the session's messages until it has none left; the store failing does not let it go.</summary>
    private async Task DrainAsync(InProcessQueue.SessionState session, CancellationToken stoppingToken)
    {
        StoredMessage? completed = null;
        var handed = session.Handed;
        session.Handed = null;
        while (true)
        {
            try
            {
                if ((handed ?? await queue.NextAsync(session, completed, stoppingToken)) is not { } message)
                {
                    return;
                }

                handed = null;
                completed = null;
                completed = await DeliverAsync(message, stoppingToken) ? message : null;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                if (completed is not null)
                {
                    // The handler completed: the message leaves the queue even while the app stops.
                    await queue.CompleteAsync(completed, CancellationToken.None);
                }

                throw;
            }
            catch (Exception error) when (!stoppingToken.IsCancellationRequested)
            {
                // The store failed: try again, also to remove a completed message, whose removal was rolled back.
                // The session names the user: masked as the channel says (masked when the channel cannot be read).
                LogStoreFailed(error, session.Key.Queue, await sensitive.ForSessionAsync(session.Key.SessionId, stoppingToken));
                await Task.Delay(queue.Options.RetryDelay, clock, stoppingToken);
            }
        }
    }

    /// <summary>Hands the message to its handler; true when the handler completed it (it is removed with the next receive).</summary>
    private async Task<bool> DeliverAsync(StoredMessage message, CancellationToken stoppingToken)
    {
        var queueName = message.Session.Queue;
        try
        {
            if (!_handlers.TryGetValue(queueName, out var handler))
            {
                throw new InvalidOperationException($"No handler is registered for queue '{queueName}'.");
            }

            await QueueTracing.HandleAsync(handler, message.ToReceived(), QueueTracing.InProcessSystem, stoppingToken);
            return true;
        }
        catch (Exception error) when (!stoppingToken.IsCancellationRequested)
        {
            if (message.DeliveryCount >= queue.Options.MaxDeliveryCount)
            {
                await queue.DeadLetterAsync(message, error, stoppingToken);
                return false;
            }

            LogRedelivering(error, queueName, message.Message.MessageId, message.DeliveryCount, queue.Options.MaxDeliveryCount);
            // The session stays taken meanwhile, so later messages of this session wait: order is kept.
            await Task.Delay(queue.Options.RetryDelay, clock, stoppingToken);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handling message {MessageId} on {Queue} failed (delivery {DeliveryCount} of {MaxDeliveryCount}); it will be delivered again")]
    private partial void LogRedelivering(Exception error, string queue, string messageId, int deliveryCount, int maxDeliveryCount);

    [LoggerMessage(Level = LogLevel.Error, Message = "The local store failed while delivering session {SessionId} of {Queue}; trying again shortly")]
    private partial void LogStoreFailed(Exception error, string queue, string sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Local queues: {Sessions} session(s) with messages left from before are taken up again")]
    private partial void LogRecovered(int sessions);
}
