using System.Collections.Concurrent;
using System.Threading.Channels;
using LineConnector.Core.Queueing;
using Microsoft.Extensions.Options;

namespace LineConnector.Functions.LocalMode;

/// <summary>
/// Local mode's stand-in for Service Bus queues with sessions: messages of one session are
/// handled one at a time and in order, a MessageId seen within the duplicate-detection window is
/// dropped, a failed message is redelivered (first in its session) up to the maximum delivery
/// count and then dead-lettered. A scheduled message joins its session when its time comes (duplicate
/// detection applies when it is sent, as in Service Bus); until then it does not count as waiting.
/// Messages carry the trace context in their application properties, as on Service Bus (<see cref="QueueTracing"/>).
/// </summary>
public sealed partial class InProcessQueue : IQueueSender, IDisposable
{
    private readonly LocalQueueOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<InProcessQueue> _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _seenMessageIds = [];
    private readonly Dictionary<(string Queue, string Session), SessionState> _sessions = [];
    private readonly Channel<SessionState> _ready = Channel.CreateUnbounded<SessionState>();
    private readonly ConcurrentQueue<DeadLetteredMessage> _deadLetters = new();
    private readonly HashSet<ITimer> _scheduled = [];
    private int _pending;
    private TaskCompletionSource _idle = CompletedIdle();

    public InProcessQueue(IOptions<LocalQueueOptions> options, TimeProvider clock, ILogger<InProcessQueue> logger)
    {
        _options = options.Value;
        _clock = clock;
        _logger = logger;
    }

    public IReadOnlyCollection<DeadLetteredMessage> DeadLetters => _deadLetters;

    internal ChannelReader<SessionState> ReadySessions => _ready.Reader;

    internal LocalQueueOptions Options => _options;

    public Task SendAsync(string queueName, IReadOnlyList<QueueMessage> messages, CancellationToken cancellationToken)
    {
        using var activity = QueueTracing.StartSend(QueueTracing.InProcessSystem, queueName, messages.Count);
        var dropped = 0;
        string? firstDropped = null;
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            ForgetExpiredMessageIds(now);
            foreach (var sent in messages)
            {
                var message = QueueTracing.WithTraceContext(sent);
                var key = queueName + "\n" + message.MessageId;
                if (_seenMessageIds.TryGetValue(key, out var seenAt) && now - seenAt <= _options.DuplicateDetectionWindow)
                {
                    dropped++;
                    firstDropped ??= message.MessageId;
                    continue;
                }

                _seenMessageIds[key] = now;
                if (message.ScheduledEnqueueTime is { } at && at > now)
                {
                    Schedule(queueName, message, at - now);
                }
                else
                {
                    Enqueue(queueName, message);
                }
            }
        }

        // One line per send, however many it drops: a body of thousands of repeated ids must not flood the log.
        if (firstDropped is not null)
        {
            LogDuplicatesDropped(dropped, queueName, firstDropped);
        }

        return Task.CompletedTask;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var timer in _scheduled)
            {
                timer.Dispose();
            }

            _scheduled.Clear();
        }
    }

    private void Schedule(string queueName, QueueMessage message, TimeSpan delay)
    {
        ITimer? timer = null;
        timer = _clock.CreateTimer(
            _ =>
            {
                lock (_gate)
                {
                    // Removed by Dispose: the queue is shutting down.
                    if (timer is not null && _scheduled.Remove(timer))
                    {
                        timer.Dispose();
                        Enqueue(queueName, message);
                    }
                }
            },
            null,
            Timeout.InfiniteTimeSpan,
            Timeout.InfiniteTimeSpan);
        _scheduled.Add(timer);
        timer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    private void Enqueue(string queueName, QueueMessage message)
    {
        if (!_sessions.TryGetValue((queueName, message.SessionId), out var session))
        {
            session = new SessionState(queueName, message.SessionId);
            _sessions[(queueName, message.SessionId)] = session;
        }

        session.Messages.Enqueue(new LocalDelivery(message));
        if (_pending++ == 0)
        {
            _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        if (!session.Scheduled)
        {
            session.Scheduled = true;
            _ready.Writer.TryWrite(session);
        }
    }

    /// <summary>Completes when no message is waiting or being handled (tests and graceful shutdown use it).</summary>
    public Task WhenIdleAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return _idle.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>The next message of a scheduled session, or null when it has none left (the session is then unscheduled).</summary>
    internal LocalDelivery? Peek(SessionState session)
    {
        lock (_gate)
        {
            if (session.Messages.TryPeek(out var next))
            {
                return next;
            }

            session.Scheduled = false;
            _sessions.Remove((session.Queue, session.SessionId));
            return null;
        }
    }

    /// <summary>Removes the session's first message after it was handled or dead-lettered.</summary>
    internal void Complete(SessionState session)
    {
        lock (_gate)
        {
            session.Messages.Dequeue();
            if (--_pending == 0)
            {
                _idle.TrySetResult();
            }
        }
    }

    internal void DeadLetter(SessionState session, LocalDelivery delivery, Exception error)
    {
        _deadLetters.Enqueue(new DeadLetteredMessage(session.Queue, delivery.Message, delivery.DeliveryCount, error.Message, _clock.GetUtcNow()));
        LogDeadLettered(error, session.Queue, delivery.Message.MessageId, session.SessionId, delivery.DeliveryCount);
        Complete(session);
    }

    private void ForgetExpiredMessageIds(DateTimeOffset now)
    {
        if (_seenMessageIds.Count < 1024)
        {
            return;
        }

        foreach (var (key, seenAt) in _seenMessageIds)
        {
            if (now - seenAt > _options.DuplicateDetectionWindow)
            {
                _seenMessageIds.Remove(key);
            }
        }
    }

    private static TaskCompletionSource CompletedIdle()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped {Count} message(s) on {Queue} (the first: {MessageId}): a message with the same id was sent within the duplicate detection window")]
    private partial void LogDuplicatesDropped(int count, string queue, string messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dead-lettered message {MessageId} on {Queue} (session {SessionId}) after {DeliveryCount} deliveries")]
    private partial void LogDeadLettered(Exception error, string queue, string messageId, string sessionId, int deliveryCount);

    internal sealed class SessionState(string queue, string sessionId)
    {
        public string Queue { get; } = queue;
        public string SessionId { get; } = sessionId;
        public Queue<LocalDelivery> Messages { get; } = new();
        public bool Scheduled { get; set; }
    }

    internal sealed class LocalDelivery(QueueMessage message)
    {
        public QueueMessage Message { get; } = message;
        public int DeliveryCount { get; set; }
    }
}

/// <summary>A message local mode gave up on, kept for inspection like a Service Bus dead-letter queue.</summary>
public sealed record DeadLetteredMessage(string Queue, QueueMessage Message, int DeliveryCount, string Reason, DateTimeOffset DeadLetteredAt);
