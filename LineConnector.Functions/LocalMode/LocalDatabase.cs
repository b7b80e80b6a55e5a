using System.Collections.Concurrent;
using System.Threading.Channels;
using LineConnector.Core.Storage;
using Microsoft.Data.Sqlite;

namespace LineConnector.Functions.LocalMode;

/// <summary>
/// Local mode's SQLite database: one file in WAL mode (or memory), holding the tables
/// (<see cref="SqliteTableStore"/>) and the queues (<see cref="InProcessQueue"/>). Writes run one after
/// another on one connection, each as if in a transaction of its own: the writes waiting at a time are
/// committed together (group commit), each in a savepoint so that one failing rolls back only itself,
/// and a write's task completes only after the commit. Reads run beside them on connections of their
/// own (WAL readers see the last commit), except reads of one row by key (<see cref="LookUpAsync"/>), which the
/// writer does between writes. <c>synchronous=NORMAL</c>: a commit survives the process being
/// killed; after a power cut the last commits before it may be lost, never the file.
/// Checkpoints (copying the log into the file, with the only fsyncs) run beside the writer on a connection of
/// their own (<see cref="Checkpoint"/>, driven by <see cref="LocalStoreCheckpoints"/>); the writer checkpoints
/// itself only when the log reaches <see cref="WriterCheckpointPages"/>, which also starts the log afresh.
/// </summary>
public sealed class LocalDatabase : IDisposable
{
    /// <summary>The schema this code reads and writes (<c>PRAGMA user_version</c>).</summary>
    public const int SchemaVersion = 2;

    private const int BusyTimeoutMilliseconds = 10_000;

    /// <summary>The most writes committed together.</summary>
    private const int MaxBatch = 256;

    /// <summary>The write-ahead log is cut back to this size after each checkpoint, so that the files stay as small as the data.</summary>
    private const long JournalSizeLimit = 32 * 1024 * 1024;

    /// <summary>
    /// Pages in the write-ahead log at which the writer checkpoints itself (64 MiB). SQLite's default, 1,000, makes the
    /// writer stop for a checkpoint and its two fsyncs several times a second under load; the checkpoints beside it copy
    /// most pages first, and a log can only start afresh after a checkpoint that reached its end, which under a steady
    /// stream of commits only the writer's own does. The longer the log, the more often a checkpoint copies a page once
    /// for many commits that changed it.
    /// </summary>
    private const int WriterCheckpointPages = 16_384;

    /// <summary>The writer's page cache (16 MiB): it keeps the pages every write goes through.</summary>
    private const int WriterCacheKibibytes = 16 * 1024;

    /// <summary>
    /// A reader's page cache (256 KiB). A commit by the writer empties every reader's cache before its next read (WAL), so a
    /// reader keeps pages for one read only, and emptying a big cache on every read costs more than the pages it saved.
    /// </summary>
    private const int ReaderCacheKibibytes = 256;

    private readonly string _connectionString;
    private readonly StoreConnection _writer;
    private readonly Channel<Write> _writes = Channel.CreateUnbounded<Write>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writing;
    private readonly ConcurrentBag<StoreConnection> _readers = [];
    private readonly Lock _checkpointing = new();
    private StoreConnection? _checkpointer;
    private long _commits;
    private readonly FileStream? _ownership;
    private volatile bool _disposed;
    private long _dataVersion;

    private LocalDatabase(string? filePath, string connectionString, StoreConnection writer, FileStream? ownership)
    {
        FilePath = filePath;
        _connectionString = connectionString;
        _writer = writer;
        _ownership = ownership;
        _dataVersion = writer.Command("PRAGMA data_version").ScalarInt64();
        _writing = Task.Factory.StartNew(WriteLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>The database file's full path; null when the database is in memory.</summary>
    public string? FilePath { get; }

    /// <summary>
    /// Opens (creating it and its folder when missing) the database at <paramref name="path"/>, relative to the
    /// working directory, or in memory for <see cref="LocalStoreOptions.InMemory"/>.
    /// </summary>
    /// <param name="owner">
    /// True for the app, which runs the queues: it holds <c>{file}.lock</c> while the database is open, so that a
    /// second app on the same file fails at start instead of taking the same sessions. The command line opens the
    /// file beside the app.
    /// </param>
    /// <exception cref="InvalidOperationException">The file cannot be opened, another app holds it, or a newer version of the connector wrote it.</exception>
    public static LocalDatabase Open(string path, bool owner = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string? filePath = null;
        FileStream? ownership = null;
        string connectionString;
        if (path == LocalStoreOptions.InMemory)
        {
            // One connection holds a memory database: every read and write goes through it.
            connectionString = new SqliteConnectionStringBuilder { DataSource = LocalStoreOptions.InMemory, Pooling = false }.ToString();
        }
        else
        {
            filePath = Path.GetFullPath(path);
            Directory.CreateDirectory(Path.GetDirectoryName(filePath)!);
            if (owner)
            {
                ownership = TakeOwnership(filePath);
            }

            connectionString = new SqliteConnectionStringBuilder
            {
                DataSource = filePath,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Pooling = false,
                DefaultTimeout = BusyTimeoutMilliseconds / 1000,
            }.ToString();
        }

        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            var writer = new StoreConnection(connection);
            if (filePath is not null)
            {
                writer.Pragma("journal_mode = WAL");
            }

            writer.Pragma("synchronous = NORMAL");
            writer.Pragma($"busy_timeout = {BusyTimeoutMilliseconds}");
            writer.Pragma($"journal_size_limit = {JournalSizeLimit}");
            writer.Pragma($"wal_autocheckpoint = {WriterCheckpointPages}");
            writer.Pragma($"cache_size = -{WriterCacheKibibytes}");
            CreateSchema(writer, filePath ?? path);
            return new LocalDatabase(filePath, connectionString, writer, ownership);
        }
        catch (Exception e) when (e is SqliteException or InvalidOperationException)
        {
            connection.Dispose();
            ownership?.Dispose();
            if (e is InvalidOperationException)
            {
                throw;
            }

            throw new InvalidOperationException($"The local store '{filePath ?? path}' cannot be opened: {e.Message} (set {LocalStoreOptions.Section}__Path to another file, or delete this one to start afresh).", e);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> after every earlier write, as one transaction: committed when the task
    /// completes, rolled back when it throws. Once queued it runs even if <paramref name="cancellationToken"/>
    /// is cancelled, so that a write never happens unbeknown to its caller.
    /// </summary>
    public Task<T> WriteAsync<T>(Func<StoreConnection, T> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var write = new Write<T>(work);
        if (!_writes.Writer.TryWrite(write))
        {
            throw new ObjectDisposedException(nameof(LocalDatabase));
        }

        return write.Task;
    }

    /// <summary><see cref="WriteAsync"/> for startup, before anything else uses the database.</summary>
    public T Write<T>(Func<StoreConnection, T> work) => WriteAsync(work, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Runs <paramref name="work"/> on a connection that sees every committed write; it must not write.</summary>
    public Task<T> ReadAsync<T>(Func<StoreConnection, T> work, CancellationToken cancellationToken)
    {
        if (FilePath is null)
        {
            // A memory database has the one connection.
            return WriteAsync(work, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_readers.TryTake(out var reader))
        {
            reader = OpenBeside();
            reader.Pragma("query_only = ON");
            reader.Pragma($"cache_size = -{ReaderCacheKibibytes}");
        }

        try
        {
            return Task.FromResult(work(reader));
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }
        finally
        {
            if (_disposed)
            {
                reader.Dispose();
            }
            else
            {
                _readers.Add(reader);
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/>, a read of a row or two by key, on the writer's connection after every earlier write;
    /// it must not write. Its page cache stays warm: a reader connection's is emptied by every commit (WAL), and reading
    /// the pages of a key again from the file cost more than the read itself. What it reads is committed by the time the
    /// task completes. A long read (a range, a listing) goes to <see cref="ReadAsync"/> instead, so as not to hold up writes.
    /// </summary>
    public Task<T> LookUpAsync<T>(Func<StoreConnection, T> work, CancellationToken cancellationToken) => WriteAsync(work, cancellationToken);

    /// <summary>Commits so far, one per batch of writes: <see cref="LocalStoreCheckpoints"/> checkpoints only after new ones.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>
    /// Copies what the write-ahead log holds into the database file as far as no reader still needs it, beside the writer
    /// (a passive checkpoint; it fsyncs the log and then the file). Returns the log's pages and those copied so far.
    /// A memory database has no log: (0, 0).
    /// </summary>
    public (long LogPages, long CopiedPages) Checkpoint()
    {
        if (FilePath is null)
        {
            return (0, 0);
        }

        lock (_checkpointing)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _checkpointer ??= OpenBeside();
            using var reader = _checkpointer.Command("PRAGMA wal_checkpoint(PASSIVE)").ExecuteReader();
            reader.Read();
            return (reader.GetInt64(1), reader.GetInt64(2));
        }
    }

    /// <summary>True when another process (the command line) committed to the file since the last call.</summary>
    public Task<bool> ChangedElsewhereAsync(CancellationToken cancellationToken) =>
        FilePath is null
            ? Task.FromResult(false)
            : WriteAsync(c =>
            {
                // data_version changes when a connection other than this one commits.
                var version = c.Command("PRAGMA data_version").ScalarInt64();
                var changed = version != _dataVersion;
                _dataVersion = version;
                return changed;
            }, cancellationToken);

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _writes.Writer.TryComplete();
        _writing.GetAwaiter().GetResult();
        _writer.Dispose();
        lock (_checkpointing)
        {
            _checkpointer?.Dispose();
        }

        _ownership?.Dispose();
        while (_readers.TryTake(out var reader))
        {
            reader.Dispose();
        }
    }

    private void WriteLoop()
    {
        var batch = new List<Write>(MaxBatch);
        while (_writes.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _writes.Reader.TryRead(out var write))
            {
                batch.Add(write);
            }

            _writer.Commit(batch);
            Interlocked.Increment(ref _commits);
        }
    }

    /// <summary>Another connection to the file, beside the writer.</summary>
    private StoreConnection OpenBeside()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        var opened = new StoreConnection(connection);
        opened.Pragma($"busy_timeout = {BusyTimeoutMilliseconds}");
        return opened;
    }

    private static FileStream TakeOwnership(string filePath)
    {
        var lockPath = filePath + ".lock";
        try
        {
            // An exclusive share is an advisory lock on Linux and macOS, a share mode on Windows; the OS drops it when the process ends, however it ends.
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new InvalidOperationException(
                $"The local store '{filePath}' is in use by another running connector (it holds {lockPath}). Stop that one, or set {LocalStoreOptions.Section}__Path to another file.", e);
        }
    }

    private static void CreateSchema(StoreConnection connection, string shownPath)
    {
        var version = connection.Command("PRAGMA user_version").ScalarInt64();
        if (version > SchemaVersion)
        {
            throw new InvalidOperationException(
                $"The local store '{shownPath}' was written by a newer version of the connector (schema {version}, this one reads {SchemaVersion}).");
        }

        var create = new Write<bool>(c =>
        {
            if (version == 1)
            {
                foreach (var statement in FromSchema1)
                {
                    c.Command(statement).Execute();
                }
            }

            foreach (var statement in Schema)
            {
                c.Command(statement).Execute();
            }

            c.Command($"PRAGMA user_version = {SchemaVersion}").Execute();
            return true;
        });
        connection.Commit([create]);
        create.Task.GetAwaiter().GetResult();
    }

    /// <summary>
    /// The tables' rows in the order written, found by key through <see cref="StoreRowsByKey"/>. Kept in key order, as
    /// schema 1 kept them, rows of 400 to 900 bytes landing all over the keys (users take turns at random) split a page
    /// every few inserts, and each split wrote three pages and their parent to the log: a third of the log's bytes per
    /// event. Rows appended share the last page, and the index's entries are small (README, "Performance").
    /// </summary>
    private const string StoreRows = """
        CREATE TABLE IF NOT EXISTS store_rows (
            table_name TEXT NOT NULL,
            partition_key TEXT NOT NULL,
            row_key TEXT NOT NULL,
            version INTEGER NOT NULL,
            written_at INTEGER NOT NULL,
            properties BLOB NOT NULL
        )
        """;

    private const string StoreRowsByKey = "CREATE UNIQUE INDEX IF NOT EXISTS store_rows_by_key ON store_rows (table_name, partition_key, row_key)";

    /// <summary>
    /// Tables: one row per table and one per entity (properties serialized by <see cref="StoredProperties"/>).
    /// Queues: waiting and in-flight messages (a message is deleted when its handler completed), scheduled
    /// messages until their time, message ids sent within the duplicate detection window, dead letters.
    /// </summary>
    private static readonly string[] Schema =
    [
        """
        CREATE TABLE IF NOT EXISTS store_tables (
            name TEXT NOT NULL PRIMARY KEY
        ) WITHOUT ROWID
        """,
        StoreRows,
        StoreRowsByKey,
        """
        CREATE TABLE IF NOT EXISTS store_meta (
            name TEXT NOT NULL PRIMARY KEY,
            value INTEGER NOT NULL
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE IF NOT EXISTS queue_messages (
            seq INTEGER PRIMARY KEY,
            queue TEXT NOT NULL,
            session_id TEXT NOT NULL,
            message_id TEXT NOT NULL,
            content_type TEXT NOT NULL,
            properties TEXT,
            body BLOB NOT NULL,
            enqueued_at INTEGER NOT NULL,
            delivery_count INTEGER NOT NULL
        )
        """,
        "CREATE INDEX IF NOT EXISTS queue_messages_by_session ON queue_messages (queue, session_id, seq)",
        """
        CREATE TABLE IF NOT EXISTS queue_scheduled (
            seq INTEGER PRIMARY KEY,
            queue TEXT NOT NULL,
            session_id TEXT NOT NULL,
            message_id TEXT NOT NULL,
            content_type TEXT NOT NULL,
            properties TEXT,
            body BLOB NOT NULL,
            enqueued_at INTEGER NOT NULL,
            due_at INTEGER NOT NULL
        )
        """,
        "CREATE INDEX IF NOT EXISTS queue_scheduled_by_time ON queue_scheduled (due_at)",
        """
        CREATE TABLE IF NOT EXISTS queue_message_ids (
            queue TEXT NOT NULL,
            message_id TEXT NOT NULL,
            sent_at INTEGER NOT NULL,
            PRIMARY KEY (queue, message_id)
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE IF NOT EXISTS queue_dead_letters (
            seq INTEGER PRIMARY KEY,
            queue TEXT NOT NULL,
            session_id TEXT NOT NULL,
            message_id TEXT NOT NULL,
            content_type TEXT NOT NULL,
            properties TEXT,
            body BLOB NOT NULL,
            enqueued_at INTEGER NOT NULL,
            delivery_count INTEGER NOT NULL,
            reason TEXT NOT NULL,
            dead_lettered_at INTEGER NOT NULL
        )
        """,
    ];

    /// <summary>
    /// From schema 1, which kept the tables' rows in key order (a <c>WITHOUT ROWID</c> table): the rows move to
    /// <see cref="StoreRows"/>, in the transaction that sets the new version.
    /// </summary>
    private static readonly string[] FromSchema1 =
    [
        "ALTER TABLE store_rows RENAME TO store_rows_schema1",
        StoreRows,
        StoreRowsByKey,
        """
        INSERT INTO store_rows (table_name, partition_key, row_key, version, written_at, properties)
        SELECT table_name, partition_key, row_key, version, written_at, properties FROM store_rows_schema1
        """,
        "DROP TABLE store_rows_schema1",
    ];
}

/// <summary>A connection of <see cref="LocalDatabase"/> with its prepared statements, used by one caller at a time.</summary>
public sealed class StoreConnection : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private SqliteTransaction? _transaction;

    internal StoreConnection(SqliteConnection connection)
    {
        _connection = connection;
    }

    /// <summary>The statement <paramref name="sql"/>, prepared once per connection, with no parameters bound yet.</summary>
    public SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
        }

        command.Parameters.Clear();
        command.Transaction = _transaction;
        return command;
    }

    /// <summary>
    /// Runs the writes in one transaction, each in a savepoint of its own when there are several, and
    /// completes them after the commit: those that threw with their exception, the others with their result,
    /// or all with the commit's failure.
    /// </summary>
    internal void Commit(IReadOnlyList<Write> writes)
    {
        var single = writes.Count == 1;
        try
        {
            using var transaction = _connection.BeginTransaction(deferred: false);
            _transaction = transaction;
            try
            {
                foreach (var write in writes)
                {
                    if (single)
                    {
                        write.Run(this);
                        if (write.Failed)
                        {
                            transaction.Rollback();
                            write.Finish();
                            return;
                        }
                    }
                    else
                    {
                        Command("SAVEPOINT write").Execute();
                        write.Run(this);
                        if (write.Failed)
                        {
                            Command("ROLLBACK TO write").Execute();
                        }

                        Command("RELEASE write").Execute();
                    }
                }

                transaction.Commit();
            }
            finally
            {
                _transaction = null;
            }
        }
        catch (SqliteException e)
        {
            foreach (var write in writes)
            {
                write.Fail(e);
            }

            return;
        }

        foreach (var write in writes)
        {
            write.Finish();
        }
    }

    internal void Pragma(string pragma)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "PRAGMA " + pragma;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _connection.Dispose();
    }
}

/// <summary>Binding and running <see cref="StoreConnection"/> statements.</summary>
public static class StoreCommands
{
    public static SqliteCommand With(this SqliteCommand command, string name, object? value)
    {
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    /// <summary>Binds a key range's bounds as <paramref name="name"/> and <c>{name}Before</c> (when it has one); nothing for no range.</summary>
    public static SqliteCommand WithRange(this SqliteCommand command, string name, TableKeyRange? range)
    {
        if (range is not null)
        {
            command.With(name, range.From);
            if (range.Before is not null)
            {
                command.With(name + "Before", range.Before);
            }
        }

        return command;
    }

    public static int Execute(this SqliteCommand command) => command.ExecuteNonQuery();

    public static long ScalarInt64(this SqliteCommand command) => command.ExecuteScalar() is { } value and not DBNull ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : 0;
}

/// <summary>A write waiting for <see cref="LocalDatabase"/>'s writer: its work, and its outcome once committed.</summary>
internal abstract class Write
{
    /// <summary>True when the work threw: its changes are rolled back.</summary>
    public abstract bool Failed { get; }

    /// <summary>Runs the work in the open transaction, keeping its result or exception until <see cref="Finish"/>.</summary>
    public abstract void Run(StoreConnection connection);

    /// <summary>Completes the task with what <see cref="Run"/> kept, once the transaction ended.</summary>
    public abstract void Finish();

    /// <summary>Fails the task: the transaction did not commit.</summary>
    public abstract void Fail(Exception error);
}

internal sealed class Write<T>(Func<StoreConnection, T> work) : Write
{
    private readonly TaskCompletionSource<T> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T _result = default!;
    private Exception? _error;

    public Task<T> Task => _outcome.Task;

    public override bool Failed => _error is not null;

    public override void Run(StoreConnection connection)
    {
        try
        {
            _result = work(connection);
        }
        catch (Exception e)
        {
            _error = e;
        }
    }

    public override void Finish()
    {
        if (_error is not null)
        {
            _outcome.TrySetException(_error);
        }
        else
        {
            _outcome.TrySetResult(_result);
        }
    }

    public override void Fail(Exception error) => _outcome.TrySetException(error);
}
