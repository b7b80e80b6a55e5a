using System.Threading.Channels;
using LineConnector.Core.Privacy;
using LineConnector.Core.Queueing;
using Microsoft.Extensions.Options;

namespace LineConnector.Functions.LocalMode;

/// <summary>
/// Local mode's stand-in for Service Bus queues with sessions, kept in the local store
/// (<see cref="LocalQueueStore"/>): messages of one session are handled one at a time and in order, a
/// MessageId seen within the duplicate-detection window is dropped, a failed message is redelivered (first
/// in its session) up to the maximum delivery count and then dead-lettered with the reason. A scheduled
/// message joins its session when its time comes (duplicate detection applies when it is sent, as in
/// Service Bus); until then it does not count as waiting. A send returns once its messages are committed,
/// and a message leaves the queue only when its handler completed, so a crash loses nothing: at the next
/// start every session with messages is taken up again. A send to a session that no worker holds hands its
/// first message to a worker, its delivery counted as it is stored: one write to the store instead of a send
/// and a receive. Messages carry the trace context in their application properties, as on Service Bus
/// (<see cref="QueueTracing"/>).
/// </summary>
public sealed partial class InProcessQueue : IQueueSender, IDisposable
{
    /// <summary>How often <see cref="WhenIdleAsync"/> looks again.</summary>
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(10);

    private readonly LocalQueueStore _store;
    private readonly LocalQueueOptions _options;
    private readonly TimeProvider _clock;
    private readonly SensitiveLogging _sensitive;
    private readonly ILogger<InProcessQueue> _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<SessionKey, SessionState> _sessions = [];
    private readonly Channel<SessionState> _ready = Channel.CreateUnbounded<SessionState>();
    private readonly ITimer _dueTimer;
    private DateTimeOffset? _dueAt;
    private bool _disposed;

    public InProcessQueue(LocalQueueStore store, IOptions<LocalQueueOptions> options, TimeProvider clock, SensitiveLogging sensitive, ILogger<InProcessQueue> logger)
    {
        _store = store;
        _options = options.Value;
        _clock = clock;
        _sensitive = sensitive;
        _logger = logger;
        _dueTimer = clock.CreateTimer(_ => _ = EnqueueDueAsync(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    internal ChannelReader<SessionState> ReadySessions => _ready.Reader;

    internal LocalQueueOptions Options => _options;

    public async Task SendAsync(string queueName, IReadOnlyList<QueueMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queueName);
        ArgumentNullException.ThrowIfNull(messages);
        using var activity = QueueTracing.StartSend(QueueTracing.InProcessSystem, queueName, messages.Count);
        var now = _clock.GetUtcNow();
        var traced = messages.Select(QueueTracing.WithTraceContext).ToList();
        HashSet<SessionKey> taken = [];
        SendResult sent;
        try
        {
            Task<SendResult> sending;
            lock (_gate)
            {
                // A session no worker holds is taken now and handed its first message with the send: no receive. The write is
                // queued under the lock (LocalDatabase.WriteAsync queues before it returns), so a later send to the session
                // is stored after this one and its message comes after the one handed over.
                foreach (var message in traced)
                {
                    var key = new SessionKey(queueName, message.SessionId);
                    if (!LocalQueueStore.IsScheduled(message, now) && !_sessions.ContainsKey(key))
                    {
                        _sessions.Add(key, new SessionState(key));
                        taken.Add(key);
                    }
                }

                sending = _store.SendAsync(queueName, traced, now, now - _options.DuplicateDetectionWindow, taken, cancellationToken);
            }

            sent = await sending;
        }
        catch
        {
            HandOver(taken, null);
            throw;
        }

        HandOver(taken, sent.Handed);

        // One line per send, however many it drops: a body of thousands of repeated ids must not flood the log.
        if (sent.Duplicates.Count > 0)
        {
            LogDuplicatesDropped(sent.Duplicates.Count, queueName, sent.Duplicates[0]);
        }

        Signal(sent.Sessions);
        if (sent.FirstDue is { } due)
        {
            ArmDueTimer(due);
        }
    }

    /// <summary>
    /// Takes up what the store holds: scheduled messages now due, and every session with messages (after a
    /// restart, or messages a command line put back). Returns the number of sessions.
    /// </summary>
    public async Task<int> RecoverAsync(CancellationToken cancellationToken)
    {
        await EnqueueDueAsync(_clock.GetUtcNow(), cancellationToken);
        var sessions = await _store.SessionsAsync(cancellationToken);
        Signal(sessions);
        return sessions.Count;
    }

    /// <summary>Forgets message ids older than the duplicate detection window.</summary>
    public Task<int> PruneAsync(CancellationToken cancellationToken) =>
        _store.ForgetMessageIdsAsync(_clock.GetUtcNow() - _options.DuplicateDetectionWindow, cancellationToken);

    /// <summary>Completes when no message is waiting or being handled (tests and scripts use it).</summary>
    public async Task WhenIdleAsync(CancellationToken cancellationToken = default)
    {
        while (await _store.AnyWaitingAsync(cancellationToken))
        {
            await Task.Delay(IdlePoll, cancellationToken);
        }
    }

    /// <summary>A queue's dead letters (<paramref name="queueName"/> null: every queue's), oldest first.</summary>
    public Task<IReadOnlyList<DeadLetteredMessage>> DeadLettersAsync(string? queueName = null, CancellationToken cancellationToken = default) =>
        _store.DeadLettersAsync(queueName, int.MaxValue, cancellationToken);

    public void Dispose()
    {
        lock (_gate)
        {
            // What is still scheduled stays in the store for the next start.
            _disposed = true;
            _dueTimer.Dispose();
        }
    }

    /// <summary>
    /// Removes <paramref name="completed"/>, the session's message its handler completed, and returns the next one,
    /// its delivery counted; null when it has none left (the session is then released).
    /// </summary>
    internal async Task<StoredMessage?> NextAsync(SessionState session, StoredMessage? completed, CancellationToken cancellationToken)
    {
        while (true)
        {
            var message = await _store.ReceiveAsync(session.Key, completed, cancellationToken);
            completed = null;
            if (message is null)
            {
                lock (_gate)
                {
                    if (!session.MoreSent)
                    {
                        _sessions.Remove(session.Key);
                        return null;
                    }

                    // Sent while the session was being emptied: look again.
                    session.MoreSent = false;
                }

                continue;
            }

            if (message.DeliveryCount > _options.MaxDeliveryCount)
            {
                // Its last delivery was cut short (the app stopped while handling it), as a lost lock in Service Bus.
                await DeadLetterAsync(message, new InvalidOperationException($"The message was delivered {_options.MaxDeliveryCount} times without its handler completing (the app stopped while handling it)."), cancellationToken);
                continue;
            }

            return message;
        }
    }

    /// <summary>Removes a message after its handler completed.</summary>
    internal Task CompleteAsync(StoredMessage message, CancellationToken cancellationToken) => _store.CompleteAsync(message, cancellationToken);

    internal async Task DeadLetterAsync(StoredMessage message, Exception error, CancellationToken cancellationToken)
    {
        await _store.DeadLetterAsync(message, error.Message, _clock.GetUtcNow(), cancellationToken);
        // The session names the user: masked as the channel says (DataProtectionSettings).
        LogDeadLettered(error, message.Session.Queue, message.Message.MessageId, await _sensitive.ForSessionAsync(message.Session.SessionId, cancellationToken), message.DeliveryCount);
    }

    /// <summary>
    /// Gives the sessions a send took to the workers with the message each was handed (<paramref name="handed"/> null: the
    /// send failed). A session handed nothing (its messages were duplicates) goes to a worker only if more was sent to it
    /// meanwhile, and is released otherwise.
    /// </summary>
    private void HandOver(IEnumerable<SessionKey> taken, IReadOnlyDictionary<SessionKey, StoredMessage>? handed)
    {
        lock (_gate)
        {
            foreach (var key in taken)
            {
                var session = _sessions[key];
                if (handed is not null && handed.TryGetValue(key, out var message))
                {
                    session.Handed = message;
                }
                else if (!session.MoreSent)
                {
                    _sessions.Remove(key);
                    continue;
                }

                _ready.Writer.TryWrite(session);
            }
        }
    }

    private void Signal(IEnumerable<SessionKey> sessions)
    {
        lock (_gate)
        {
            foreach (var key in sessions)
            {
                if (_sessions.TryGetValue(key, out var session))
                {
                    session.MoreSent = true;
                }
                else
                {
                    session = new SessionState(key);
                    _sessions.Add(key, session);
                    _ready.Writer.TryWrite(session);
                }
            }
        }
    }

    private void ArmDueTimer(DateTimeOffset due)
    {
        lock (_gate)
        {
            if (_disposed || (_dueAt is { } armed && armed <= due))
            {
                return;
            }

            _dueAt = due;
            var delay = due - _clock.GetUtcNow();
            _dueTimer.Change(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task EnqueueDueAsync()
    {
        DateTimeOffset upTo;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            // The time the timer was armed for, even if the clock says otherwise (a test's clock stands still).
            upTo = _dueAt is { } armed && armed > _clock.GetUtcNow() ? armed : _clock.GetUtcNow();
            _dueAt = null;
        }

        try
        {
            await EnqueueDueAsync(upTo, CancellationToken.None);
        }
        catch (Exception error) when (error is Microsoft.Data.Sqlite.SqliteException or ObjectDisposedException)
        {
            LogScheduledFailed(error);
            ArmDueTimer(_clock.GetUtcNow() + _options.RetryDelay);
        }
    }

    private async Task EnqueueDueAsync(DateTimeOffset upTo, CancellationToken cancellationToken)
    {
        var (sessions, next) = await _store.EnqueueDueAsync(upTo, cancellationToken);
        Signal(sessions);
        if (next is { } due)
        {
            ArmDueTimer(due);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped {Count} message(s) on {Queue} (the first: {MessageId}): a message with the same id was sent within the duplicate detection window")]
    private partial void LogDuplicatesDropped(int count, string queue, string messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dead-lettered message {MessageId} on {Queue} (session {SessionId}) after {DeliveryCount} deliveries")]
    private partial void LogDeadLettered(Exception error, string queue, string messageId, string sessionId, int deliveryCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scheduled messages could not be moved to their sessions; trying again shortly")]
    private partial void LogScheduledFailed(Exception error);

    /// <summary>A session taken by one worker at a time, from when it is signalled until it has no message left.</summary>
    internal sealed class SessionState(SessionKey key)
    {
        public SessionKey Key { get; } = key;

        /// <summary>A message was sent to the session while a worker or a send held it (read and written under the queue's lock).</summary>
        public bool MoreSent { get; set; }

        /// <summary>
        /// The message a send handed the session with its delivery counted, for the worker to handle first without a
        /// receive. Should the app stop before a worker took it, it counts as a delivery cut short.
        /// </summary>
        public StoredMessage? Handed { get; set; }
    }
}
