using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using LineConnector.Core.Storage;
using Microsoft.Data.Sqlite;

namespace LineConnector.Functions.LocalMode;

/// <summary>
/// <see cref="ITableStore"/> in local mode's SQLite database: the same rules, status codes, error codes
/// and messages as Table Storage (the contract suite runs against it). Every write is its own
/// transaction, committed when the call returns; ETag checks and writes happen inside it.
/// </summary>
public sealed class SqliteTableStore : ITableStore
{
    /// <summary>Rows per read of a partition query, as Table Storage pages them.</summary>
    private const int PageSize = 1000;

    /// <summary>ETags are W/"{version}": the store's opening count in the high bits, a counter in the low bits.</summary>
    private const int CounterBits = 40;

    private readonly LocalDatabase _database;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, bool> _tables = new(StringComparer.Ordinal);
    private readonly long _versionBase;
    private long _counter;

    public SqliteTableStore(LocalDatabase database, TimeProvider clock)
    {
        _database = database;
        _clock = clock;
        (_versionBase, var tables) = database.Write(c =>
        {
            var opening = c.Command("""
                INSERT INTO store_meta (name, value) VALUES ('openings', 1)
                ON CONFLICT (name) DO UPDATE SET value = value + 1
                RETURNING value
                """).ScalarInt64();
            var names = new List<string>();
            using var reader = c.Command("SELECT name FROM store_tables").ExecuteReader();
            while (reader.Read())
            {
                names.Add(reader.GetString(0));
            }

            return (opening << CounterBits, names);
        });
        foreach (var name in tables)
        {
            _tables[name] = true;
        }
    }

    public async Task CreateTableIfNotExistsAsync(string table, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TableRules.CheckTableName("create", table);
        var name = Normalize(table);
        if (_tables.ContainsKey(name))
        {
            return;
        }

        await Write("create", table, null, null, c => c.Command("INSERT OR IGNORE INTO store_tables (name) VALUES ($name)").With("$name", name).Execute(), cancellationToken);
        _tables[name] = true;
    }

    public async Task<TableRow?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        const string Operation = "get";
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(rowKey);
        TableRules.CheckKeys(Operation, table, partitionKey, rowKey);
        var name = Find(Operation, table, partitionKey, rowKey);
        return await Run(Operation, table, partitionKey, rowKey, _database.LookUpAsync, c =>
        {
            using var reader = c.Command("SELECT version, properties FROM store_rows WHERE table_name = $table AND partition_key = $pk AND row_key = $rk")
                .With("$table", name).With("$pk", partitionKey).With("$rk", rowKey).ExecuteReader();
            return reader.Read() ? ReadRow(reader, partitionKey, rowKey) : null;
        }, cancellationToken);
    }

    public Task<string> InsertAsync(string table, TableRow row, CancellationToken cancellationToken) =>
        WriteRowAsync(TableOperationKind.Insert, table, row, null, cancellationToken);

    public Task<string> ReplaceAsync(string table, TableRow row, string ifMatch, CancellationToken cancellationToken) =>
        WriteRowAsync(TableOperationKind.Replace, table, row, ifMatch, cancellationToken);

    public Task<string> MergeAsync(string table, TableRow row, string ifMatch, CancellationToken cancellationToken) =>
        WriteRowAsync(TableOperationKind.Merge, table, row, ifMatch, cancellationToken);

    public Task<string> UpsertAsync(string table, TableRow row, CancellationToken cancellationToken) =>
        WriteRowAsync(TableOperationKind.Upsert, table, row, null, cancellationToken);

    public async Task DeleteAsync(string table, string partitionKey, string rowKey, string ifMatch, CancellationToken cancellationToken)
    {
        const string Operation = "delete";
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(rowKey);
        ArgumentException.ThrowIfNullOrEmpty(ifMatch);
        TableRules.CheckKeys(Operation, table, partitionKey, rowKey);
        var name = Find(Operation, table, partitionKey, rowKey);
        await Write(Operation, table, partitionKey, rowKey,
            c => Apply(c, new Change(TableOperationKind.Delete, Operation, null, table, name, partitionKey, rowKey, [], ifMatch)), cancellationToken);
    }

    public async Task<IReadOnlyList<string?>> SubmitTransactionAsync(string table, string partitionKey, IReadOnlyList<TableOperation> operations, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var properties = TableRules.CheckTransaction(table, partitionKey, operations);
        var name = Find(TableRules.Transaction, table, partitionKey, rowKey: null);
        var changes = operations.Select((operation, i) => new Change(
            operation.Kind, TableFailure.TransactionOperation(i, operation.Kind), i, table, name, partitionKey, operation.Row.RowKey, properties[i], operation.IfMatch)).ToList();

        // One write: a failing operation throws, and the write is rolled back with every operation before it.
        return await Write(TableRules.Transaction, table, partitionKey, null,
            c => (IReadOnlyList<string?>)changes.Select(change => Apply(c, change)).ToList(), cancellationToken);
    }

    public IAsyncEnumerable<TableRow> QueryPartitionAsync(string table, string partitionKey, CancellationToken cancellationToken) =>
        QueryAsync(table, TableKeyRange.Only(partitionKey), null, cancellationToken);

    public async IAsyncEnumerable<TableRow> QueryAsync(
        string table, TableKeyRange partitionKeys, TableKeyRange? rowKeys, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const string Operation = "query";
        cancellationToken.ThrowIfCancellationRequested();
        TableRules.CheckRange(Operation, table, partitionKeys, rowKeys);
        var name = Find(Operation, table, partitionKeys.From, rowKey: null);
        var filter = "table_name = $table AND " + Range("partition_key", "$pk", partitionKeys) + (rowKeys is null ? "" : " AND " + Range("row_key", "$rk", rowKeys));
        (string PartitionKey, string RowKey)? after = null;
        while (true)
        {
            var page = await Run(Operation, table, partitionKeys.From, null, _database.ReadAsync, c =>
            {
                // Keyset paging: the next page starts after the last row read, in key order (store_rows_by_key's).
                var command = c.Command(
                    $"SELECT partition_key, row_key, version, properties FROM store_rows WHERE {filter}{(after is null ? "" : " AND (partition_key, row_key) > ($afterPk, $afterRk)")} ORDER BY partition_key, row_key LIMIT $size")
                    .With("$table", name).WithRange("$pk", partitionKeys).WithRange("$rk", rowKeys).With("$size", PageSize);
                if (after is { } last)
                {
                    command.With("$afterPk", last.PartitionKey).With("$afterRk", last.RowKey);
                }

                using var reader = command.ExecuteReader();
                var rows = new List<TableRow>();
                while (reader.Read())
                {
                    rows.Add(new TableRow(reader.GetString(0), reader.GetString(1), StoredProperties.Read(Blob(reader, 3)), ETag(reader.GetInt64(2))));
                }

                return rows;
            }, cancellationToken);

            foreach (var row in page)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return row;
            }

            if (page.Count < PageSize)
            {
                yield break;
            }

            after = (page[^1].PartitionKey, page[^1].RowKey);
        }
    }

    /// <summary>Deletes the rows of <paramref name="table"/> whose row key is in <paramref name="rowKeys"/>, last written before <paramref name="before"/>; returns how many.</summary>
    public async Task<int> DeleteWrittenBeforeAsync(string table, TableKeyRange rowKeys, DateTimeOffset before, CancellationToken cancellationToken)
    {
        const string Operation = "prune";
        const int Batch = 5000;
        ArgumentNullException.ThrowIfNull(rowKeys);
        var name = Normalize(table);
        var deleted = 0;
        int last;
        do
        {
            // In batches, so that other writes are not held up for long.
            last = await Write(Operation, table, null, null, c => c.Command($"""
                DELETE FROM store_rows WHERE rowid IN (
                    SELECT rowid FROM store_rows
                    WHERE table_name = $table AND {Range("row_key", "$rk", rowKeys)} AND written_at < $before LIMIT $batch)
                """).With("$table", name).WithRange("$rk", rowKeys)
                .With("$before", before.ToUnixTimeMilliseconds()).With("$batch", Batch).Execute(), cancellationToken);
            deleted += last;
        }
        while (last == Batch);

        return deleted;
    }

    /// <summary>
    /// The SQL condition for a key range, with parameters <c>{parameter}</c> and <c>{parameter}Before</c>
    /// (bound by <see cref="StoreCommands.WithRange"/>). Keys are
    /// compared as stored (UTF-8 bytes, that is by code point), which is the ordinal order for every key but those
    /// mixing characters above U+FFFF with ones from U+E000 to U+FFFF.
    /// </summary>
    private static string Range(string column, string parameter, TableKeyRange range) =>
        range.Before is null ? $"{column} = {parameter}" : $"{column} >= {parameter} AND {column} < {parameter}Before";

    private async Task<string> WriteRowAsync(TableOperationKind kind, string table, TableRow row, string? ifMatch, CancellationToken cancellationToken)
    {
        var operation = kind.ToString().ToLowerInvariant();
        cancellationToken.ThrowIfCancellationRequested();
        if (kind is TableOperationKind.Replace or TableOperationKind.Merge)
        {
            ArgumentException.ThrowIfNullOrEmpty(ifMatch);
        }

        var properties = TableRules.CheckRow(operation, table, row);
        var name = Find(operation, table, row.PartitionKey, row.RowKey);
        var change = new Change(kind, operation, null, table, name, row.PartitionKey, row.RowKey, properties, ifMatch);
        return (await Write(operation, table, row.PartitionKey, row.RowKey, c => Apply(c, change), cancellationToken))!;
    }

    /// <summary>Does one write in the open transaction: returns the row's new ETag (null for a delete), or throws and leaves the rollback to the caller.</summary>
    private string? Apply(StoreConnection c, Change change)
    {
        var (kind, operation, index, table, name, partitionKey, rowKey, properties, _) = change;
        var version = NextVersion();
        switch (kind)
        {
            case TableOperationKind.Insert:
                var inserted = c.Command("""
                    INSERT INTO store_rows (table_name, partition_key, row_key, version, written_at, properties)
                    VALUES ($table, $pk, $rk, $version, $at, $properties)
                    ON CONFLICT DO NOTHING
                    """).With("$table", name).With("$pk", partitionKey).With("$rk", rowKey)
                    .With("$version", version).With("$at", Now()).With("$properties", StoredProperties.Write(properties)).Execute();
                return inserted == 1
                    ? ETag(version)
                    : throw TableFailure.Create(operation, table, partitionKey, rowKey, 409, TableErrorCodes.EntityAlreadyExists, operationIndex: index);
            case TableOperationKind.Upsert:
                c.Command("""
                    INSERT INTO store_rows (table_name, partition_key, row_key, version, written_at, properties)
                    VALUES ($table, $pk, $rk, $version, $at, $properties)
                    ON CONFLICT DO UPDATE SET version = excluded.version, written_at = excluded.written_at, properties = excluded.properties
                    """).With("$table", name).With("$pk", partitionKey).With("$rk", rowKey)
                    .With("$version", version).With("$at", Now()).With("$properties", StoredProperties.Write(properties)).Execute();
                return ETag(version);
            case TableOperationKind.Delete:
                CheckETag(c, change, withProperties: false);
                c.Command("DELETE FROM store_rows WHERE table_name = $table AND partition_key = $pk AND row_key = $rk")
                    .With("$table", name).With("$pk", partitionKey).With("$rk", rowKey).Execute();
                return null;
            default:
                // Replace, or merge into the properties as stored.
                var stored = properties;
                if (CheckETag(c, change, withProperties: kind == TableOperationKind.Merge) is { } current)
                {
                    foreach (var (key, value) in properties)
                    {
                        current[key] = value;
                    }

                    stored = current.Select(p => new KeyValuePair<string, object>(p.Key, p.Value!)).ToList();
                }

                c.Command("UPDATE store_rows SET version = $version, written_at = $at, properties = $properties WHERE table_name = $table AND partition_key = $pk AND row_key = $rk")
                    .With("$table", name).With("$pk", partitionKey).With("$rk", rowKey)
                    .With("$version", version).With("$at", Now()).With("$properties", StoredProperties.Write(stored)).Execute();
                return ETag(version);
        }
    }

    /// <summary>Fails 404 when the row is missing and 412 when the change's ETag is not the row's; returns its properties when asked.</summary>
    private static Dictionary<string, object?>? CheckETag(StoreConnection c, Change change, bool withProperties)
    {
        using var reader = c.Command("SELECT version, properties FROM store_rows WHERE table_name = $table AND partition_key = $pk AND row_key = $rk")
            .With("$table", change.Name).With("$pk", change.PartitionKey).With("$rk", change.RowKey).ExecuteReader();
        if (!reader.Read())
        {
            throw TableFailure.Create(change.Operation, change.Table, change.PartitionKey, change.RowKey, 404, TableErrorCodes.ResourceNotFound, operationIndex: change.Index);
        }

        if (change.IfMatch != "*" && !string.Equals(change.IfMatch, ETag(reader.GetInt64(0)), StringComparison.Ordinal))
        {
            throw TableFailure.Create(change.Operation, change.Table, change.PartitionKey, change.RowKey, 412, TableErrorCodes.UpdateConditionNotSatisfied, operationIndex: change.Index);
        }

        return withProperties ? StoredProperties.Read(Blob(reader, 1)) : null;
    }

    private static TableRow ReadRow(SqliteDataReader reader, string partitionKey, string rowKey) =>
        new(partitionKey, rowKey, StoredProperties.Read(Blob(reader, 1)), ETag(reader.GetInt64(0)));

    private static ReadOnlySpan<byte> Blob(SqliteDataReader reader, int ordinal) => (byte[])reader.GetValue(ordinal);

    /// <summary>The table's stored name; fails 404 when it was never created.</summary>
    private string Find(string operation, string table, string partitionKey, string? rowKey)
    {
        var name = Normalize(table);
        return _tables.ContainsKey(name) ? name : throw TableFailure.Create(operation, table, partitionKey, rowKey, 404, TableErrorCodes.TableNotFound);
    }

    // Table names are case-insensitive in Table Storage (and only ASCII letters and digits); keys and property names are not.
    private static string Normalize(string table) => table.ToLowerInvariant();

    private long NextVersion() => _versionBase | Interlocked.Increment(ref _counter);

    private static string ETag(long version) => string.Create(CultureInfo.InvariantCulture, $"W/\"{version}\"");

    private long Now() => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    private Task<T> Write<T>(string operation, string table, string? partitionKey, string? rowKey, Func<StoreConnection, T> work, CancellationToken cancellationToken) =>
        Run(operation, table, partitionKey, rowKey, _database.WriteAsync, work, cancellationToken);

    /// <summary>Runs <paramref name="work"/> the way <paramref name="run"/> does; the store failing is Table Storage's 503.</summary>
    /// <param name="run">
    /// <see cref="LocalDatabase.WriteAsync"/> for a write, <see cref="LocalDatabase.LookUpAsync"/> for a row by key,
    /// <see cref="LocalDatabase.ReadAsync"/> for a range.
    /// </param>
    private static async Task<T> Run<T>(
        string operation, string table, string? partitionKey, string? rowKey,
        Func<Func<StoreConnection, T>, CancellationToken, Task<T>> run, Func<StoreConnection, T> work, CancellationToken cancellationToken)
    {
        try
        {
            return await run(work, cancellationToken);
        }
        catch (SqliteException e)
        {
            throw Unavailable(operation, table, partitionKey, rowKey, e);
        }
    }

    private static TableStoreException Unavailable(string operation, string table, string? partitionKey, string? rowKey, SqliteException e) =>
        TableFailure.Create(operation, table, partitionKey, rowKey, 503, null, $"The local store failed (SQLite error {e.SqliteErrorCode}: {e.Message}); retry later", e);

    /// <summary>One write to a row: its kind, how failures name it, the table as the caller named it and as stored, the keys, the checked properties, the ETag condition.</summary>
    private sealed record Change(
        TableOperationKind Kind, string Operation, int? Index, string Table, string Name, string PartitionKey, string RowKey,
        IReadOnlyList<KeyValuePair<string, object>> Properties, string? IfMatch);
}
