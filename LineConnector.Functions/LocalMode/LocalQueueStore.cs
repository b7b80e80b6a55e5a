using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using LineConnector.Core.Queueing;
using Microsoft.Data.Sqlite;

namespace LineConnector.Functions.LocalMode;

/// <summary>
/// Local mode's queues as rows of its SQLite database (<see cref="LocalDatabase"/>): what each queue
/// operation writes, in one transaction each. <see cref="InProcessQueue"/> runs the queues on it; the
/// command line reads and replays dead letters through it, also while the app runs.
/// </summary>
/// <remarks>
/// A message waits in <c>queue_messages</c>, ordered by its sequence number, until its handler completed
/// it (then it is deleted); a receive counts a delivery before the handler runs, so a delivery cut short
/// by a crash counts too, as a lost lock does in Service Bus. A scheduled message waits in
/// <c>queue_scheduled</c> and gets its sequence number when its time comes.
/// </remarks>
public sealed class LocalQueueStore(LocalDatabase database)
{
    public LocalDatabase Database => database;

    /// <summary>Stores the messages that are not duplicates, all or none.</summary>
    /// <param name="duplicateSince">A MessageId sent to the same queue at or after this time is a duplicate.</param>
    /// <param name="handOver">
    /// Sessions with no message waiting: the first of their messages is stored with its delivery counted, as a receive
    /// would, and returned in <see cref="SendResult.Handed"/> to be handled without a receive.
    /// </param>
    public Task<SendResult> SendAsync(
        string queue, IReadOnlyList<QueueMessage> messages, DateTimeOffset now, DateTimeOffset duplicateSince, IReadOnlySet<SessionKey> handOver, CancellationToken cancellationToken) =>
        database.WriteAsync(c =>
        {
            var result = new SendResult();
            foreach (var message in messages)
            {
                var fresh = c.Command("""
                    INSERT INTO queue_message_ids (queue, message_id, sent_at) VALUES ($queue, $id, $now)
                    ON CONFLICT DO UPDATE SET sent_at = excluded.sent_at WHERE sent_at < $since
                    RETURNING 1
                    """).With("$queue", queue).With("$id", message.MessageId).With("$now", Milliseconds(now)).With("$since", Milliseconds(duplicateSince))
                    .ExecuteScalar() is not null;
                if (!fresh)
                {
                    result.Duplicates.Add(message.MessageId);
                    continue;
                }

                if (IsScheduled(message, now))
                {
                    var at = message.ScheduledEnqueueTime!.Value;
                    c.Command("""
                        INSERT INTO queue_scheduled (queue, session_id, message_id, content_type, properties, body, enqueued_at, due_at)
                        VALUES ($queue, $session, $id, $type, $properties, $body, $now, $due)
                        """).With("$queue", queue).With("$session", message.SessionId).With("$id", message.MessageId).With("$type", message.ContentType)
                        .With("$properties", WriteProperties(message.ApplicationProperties)).With("$body", message.Body.ToArray()).With("$now", Milliseconds(now)).With("$due", Milliseconds(at)).Execute();
                    result.FirstDue = result.FirstDue is { } first && first < at ? first : at;
                    continue;
                }

                var session = new SessionKey(queue, message.SessionId);
                var handed = handOver.Contains(session) && !result.Handed.ContainsKey(session);
                var sequenceNumber = c.Command("""
                    INSERT INTO queue_messages (queue, session_id, message_id, content_type, properties, body, enqueued_at, delivery_count)
                    VALUES ($queue, $session, $id, $type, $properties, $body, $now, $count)
                    RETURNING seq
                    """).With("$queue", queue).With("$session", message.SessionId).With("$id", message.MessageId).With("$type", message.ContentType)
                    .With("$properties", WriteProperties(message.ApplicationProperties)).With("$body", message.Body.ToArray()).With("$now", Milliseconds(now))
                    .With("$count", handed ? 1 : 0).ScalarInt64();
                if (handed)
                {
                    // Its enqueue time as stored (to the millisecond), as a receive would read it.
                    result.Handed[session] = new StoredMessage(sequenceNumber, session, message, FromMilliseconds(Milliseconds(now)), DeliveryCount: 1);
                }
                else if (!handOver.Contains(session))
                {
                    // A session handed a message finds the rest when that one is completed.
                    result.Sessions.Add(session);
                }
            }

            return result;
        }, cancellationToken);

    /// <summary>True when the message waits for its time in <c>queue_scheduled</c> instead of joining its session.</summary>
    public static bool IsScheduled(QueueMessage message, DateTimeOffset now) => message.ScheduledEnqueueTime is { } at && at > now;

    /// <summary>
    /// The session's first message with its delivery counted, or null when it has none; first deletes
    /// <paramref name="completed"/>, the message before it that its handler completed (one write for both).
    /// </summary>
    public Task<StoredMessage?> ReceiveAsync(SessionKey session, StoredMessage? completed, CancellationToken cancellationToken) =>
        database.WriteAsync(c =>
        {
            if (completed is not null)
            {
                c.Command("DELETE FROM queue_messages WHERE seq = $seq").With("$seq", completed.SequenceNumber).Execute();
            }

            using var reader = c.Command("""
                UPDATE queue_messages SET delivery_count = delivery_count + 1
                WHERE seq = (SELECT seq FROM queue_messages WHERE queue = $queue AND session_id = $session ORDER BY seq LIMIT 1)
                RETURNING seq, message_id, content_type, properties, body, enqueued_at, delivery_count
                """).With("$queue", session.Queue).With("$session", session.SessionId).ExecuteReader();
            return reader.Read()
                ? new StoredMessage(
                    reader.GetInt64(0),
                    session,
                    new QueueMessage(reader.GetString(1), session.SessionId, (byte[])reader.GetValue(4))
                    {
                        ContentType = reader.GetString(2),
                        ApplicationProperties = ReadProperties(reader, 3),
                    },
                    FromMilliseconds(reader.GetInt64(5)),
                    reader.GetInt32(6))
                : null;
        }, cancellationToken);

    /// <summary>Deletes a message its handler completed.</summary>
    public Task CompleteAsync(StoredMessage message, CancellationToken cancellationToken) =>
        database.WriteAsync(c => c.Command("DELETE FROM queue_messages WHERE seq = $seq").With("$seq", message.SequenceNumber).Execute(), cancellationToken);

    /// <summary>Moves a message to its queue's dead letters with the reason.</summary>
    public Task DeadLetterAsync(StoredMessage message, string reason, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.WriteAsync(c =>
        {
            c.Command("""
                INSERT INTO queue_dead_letters (queue, session_id, message_id, content_type, properties, body, enqueued_at, delivery_count, reason, dead_lettered_at)
                SELECT queue, session_id, message_id, content_type, properties, body, enqueued_at, delivery_count, $reason, $now FROM queue_messages WHERE seq = $seq
                """).With("$seq", message.SequenceNumber).With("$reason", reason).With("$now", Milliseconds(now)).Execute();
            return c.Command("DELETE FROM queue_messages WHERE seq = $seq").With("$seq", message.SequenceNumber).Execute();
        }, cancellationToken);

    /// <summary>Moves the scheduled messages due by <paramref name="upTo"/> to their sessions; returns those sessions and when the next one is due.</summary>
    public Task<(IReadOnlyList<SessionKey> Sessions, DateTimeOffset? NextDue)> EnqueueDueAsync(DateTimeOffset upTo, CancellationToken cancellationToken) =>
        database.WriteAsync<(IReadOnlyList<SessionKey>, DateTimeOffset?)>(c =>
        {
            var sessions = new List<SessionKey>();
            using (var reader = c.Command("""
                INSERT INTO queue_messages (queue, session_id, message_id, content_type, properties, body, enqueued_at, delivery_count)
                SELECT queue, session_id, message_id, content_type, properties, body, enqueued_at, 0 FROM queue_scheduled WHERE due_at <= $upTo ORDER BY seq
                RETURNING queue, session_id
                """).With("$upTo", Milliseconds(upTo)).ExecuteReader())
            {
                while (reader.Read())
                {
                    sessions.Add(new SessionKey(reader.GetString(0), reader.GetString(1)));
                }
            }

            c.Command("DELETE FROM queue_scheduled WHERE due_at <= $upTo").With("$upTo", Milliseconds(upTo)).Execute();
            var next = c.Command("SELECT min(due_at) FROM queue_scheduled").ExecuteScalar();
            return (sessions, next is long due ? FromMilliseconds(due) : null);
        }, cancellationToken);

    /// <summary>Every session with a message waiting or being handled.</summary>
    public Task<IReadOnlyList<SessionKey>> SessionsAsync(CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<SessionKey>>(c =>
        {
            var sessions = new List<SessionKey>();
            using var reader = c.Command("SELECT DISTINCT queue, session_id FROM queue_messages").ExecuteReader();
            while (reader.Read())
            {
                sessions.Add(new SessionKey(reader.GetString(0), reader.GetString(1)));
            }

            return sessions;
        }, cancellationToken);

    /// <summary>True when a message is waiting or being handled (scheduled ones do not count until their time).</summary>
    public Task<bool> AnyWaitingAsync(CancellationToken cancellationToken) =>
        database.ReadAsync(c => c.Command("SELECT EXISTS (SELECT 1 FROM queue_messages)").ScalarInt64() != 0, cancellationToken);

    /// <summary>Forgets message ids sent before <paramref name="before"/>: they are no longer duplicates. Returns how many.</summary>
    public Task<int> ForgetMessageIdsAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        database.WriteAsync(c => c.Command("DELETE FROM queue_message_ids WHERE sent_at < $before").With("$before", Milliseconds(before)).Execute(), cancellationToken);

    /// <summary>A queue's dead letters (<paramref name="queue"/> null: every queue's), oldest first.</summary>
    public Task<IReadOnlyList<DeadLetteredMessage>> DeadLettersAsync(string? queue, int max, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<DeadLetteredMessage>>(c =>
        {
            using var reader = c.Command($"SELECT {DeadLetterColumns} FROM queue_dead_letters WHERE $queue IS NULL OR queue = $queue ORDER BY seq LIMIT $max")
                .With("$queue", queue).With("$max", max).ExecuteReader();
            return ReadDeadLetters(reader);
        }, cancellationToken);

    /// <summary>
    /// Moves a queue's oldest dead letters back to it, at most <paramref name="max"/>, in one transaction:
    /// each with its MessageId and SessionId, behind the messages waiting in its session, its deliveries counted afresh.
    /// </summary>
    public Task<IReadOnlyList<DeadLetteredMessage>> ReplayDeadLettersAsync(string queue, int max, CancellationToken cancellationToken) =>
        database.WriteAsync<IReadOnlyList<DeadLetteredMessage>>(c =>
        {
            IReadOnlyList<DeadLetteredMessage> replayed;
            using (var reader = c.Command($"SELECT {DeadLetterColumns} FROM queue_dead_letters WHERE queue = $queue ORDER BY seq LIMIT $max")
                .With("$queue", queue).With("$max", max).ExecuteReader())
            {
                replayed = ReadDeadLetters(reader);
            }

            foreach (var message in replayed)
            {
                c.Command("""
                    INSERT INTO queue_messages (queue, session_id, message_id, content_type, properties, body, enqueued_at, delivery_count)
                    SELECT queue, session_id, message_id, content_type, properties, body, enqueued_at, 0 FROM queue_dead_letters WHERE seq = $seq
                    """).With("$seq", message.SequenceNumber).Execute();
                c.Command("DELETE FROM queue_dead_letters WHERE seq = $seq").With("$seq", message.SequenceNumber).Execute();
            }

            return replayed;
        }, cancellationToken);

    private const string DeadLetterColumns = "seq, queue, session_id, message_id, content_type, properties, body, enqueued_at, delivery_count, reason, dead_lettered_at";

    private static List<DeadLetteredMessage> ReadDeadLetters(SqliteDataReader reader)
    {
        var messages = new List<DeadLetteredMessage>();
        while (reader.Read())
        {
            messages.Add(new DeadLetteredMessage(
                reader.GetString(1),
                reader.GetInt64(0),
                new QueueMessage(reader.GetString(3), reader.GetString(2), (byte[])reader.GetValue(6))
                {
                    ContentType = reader.GetString(4),
                    ApplicationProperties = ReadProperties(reader, 5),
                },
                FromMilliseconds(reader.GetInt64(7)),
                reader.GetInt32(8),
                reader.GetString(9),
                FromMilliseconds(reader.GetInt64(10))));
        }

        return messages;
    }

    /// <summary>Application properties as stored: a JSON object of strings, null when there are none.</summary>
    private static string? WriteProperties(IReadOnlyDictionary<string, string> properties) =>
        properties.Count == 0 ? null : JsonSerializer.Serialize(properties, LocalStoreJsonContext.Default.IReadOnlyDictionaryStringString);

    private static IReadOnlyDictionary<string, string> ReadProperties(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal)
            ? QueueTracing.NoProperties
            : JsonSerializer.Deserialize(reader.GetString(ordinal), LocalStoreJsonContext.Default.IReadOnlyDictionaryStringString) ?? QueueTracing.NoProperties;

    private static long Milliseconds(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    private static DateTimeOffset FromMilliseconds(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
}

/// <summary>A session of a queue: its messages are handled one at a time, in order.</summary>
public readonly record struct SessionKey(string Queue, string SessionId);

/// <summary>
/// What a send stored: the sessions that got a message (but those handed one), the messages handed over with their
/// delivery counted, the duplicates dropped, when the first scheduled message is due.
/// </summary>
public sealed class SendResult
{
    public HashSet<SessionKey> Sessions { get; } = [];

    public Dictionary<SessionKey, StoredMessage> Handed { get; } = [];

    public List<string> Duplicates { get; } = [];

    public DateTimeOffset? FirstDue { get; set; }
}

/// <summary>A message taken from its session for one delivery.</summary>
/// <param name="DeliveryCount">This delivery's number: 1 the first time.</param>
public sealed record StoredMessage(long SequenceNumber, SessionKey Session, QueueMessage Message, DateTimeOffset EnqueuedAt, int DeliveryCount)
{
    public ReceivedMessage ToReceived() =>
        new(Message.MessageId, Message.SessionId, DeliveryCount, Encoding.UTF8.GetString(Message.Body.Span)) { ApplicationProperties = Message.ApplicationProperties };
}

/// <summary>A message local mode gave up on, kept for inspection and replay like a Service Bus dead-letter queue.</summary>
/// <param name="SequenceNumber">Its number among the dead letters of the store.</param>
/// <param name="EnqueuedAt">When it was first sent.</param>
public sealed record DeadLetteredMessage(string Queue, long SequenceNumber, QueueMessage Message, DateTimeOffset EnqueuedAt, int DeliveryCount, string Reason, DateTimeOffset DeadLetteredAt);

[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
internal sealed partial class LocalStoreJsonContext : JsonSerializerContext;
