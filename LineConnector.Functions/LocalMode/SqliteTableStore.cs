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
        return await Read(Operation, table, partitionKey, rowKey, c =>
        {
            using var reader = c.Command("SELECT version, properties FROM store_rows WHERE table_name = $table AND partition_key = $pk AND row_key = $rk")
                .With("$table", name).With("$pk", partitionKey).With("$rk", rowKey).ExecuteReader();
            return reader.Read() ? ReadRow(reader, partitionKey, rowKey) : null;
        }, cancellationToken);
    }

    public async Task<string> InsertAsync(string table, TableRow row, CancellationToken cancellationToken)
    {
        const string Operation = "insert";
        cancellationToken.ThrowIfCancellationRequested();
        var properties = StoredProperties.Write(TableRules.CheckRow(Operation, table, row));
        var name = Find(Operation, table, row.PartitionKey, row.RowKey);
        return await Write(Operation, table, row.PartitionKey, row.RowKey, c =>
        {
            var version = NextVersion();
            var inserted = c.Command("""
                INSERT INTO store_rows (table_name, partition_key, row_key, version, written_at, properties)
                VALUES ($table, $pk, $rk, $version, $at, $properties)
                ON CONFLICT DO NOTHING
                """).With("$table", name).With("$pk", row.PartitionKey).With("$rk", row.RowKey)
                .With("$version", version).With("$at", Now()).With("$properties", properties).Execute();
            return inserted == 1
                ? ETag(version)
                : throw TableFailure.Create(Operation, table, row.PartitionKey, row.RowKey, 409, TableErrorCodes.EntityAlreadyExists);
        }, cancellationToken);
    }

    public Task<string> ReplaceAsync(string table, TableRow row, string ifMatch, CancellationToken cancellationToken) =>
        UpdateAsync("replace", table, row, ifMatch, merge: false, cancellationToken);

    public Task<string> MergeAsync(string table, TableRow row, string ifMatch, CancellationToken cancellationToken) =>
        UpdateAsync("merge", table, row, ifMatch, merge: true, cancellationToken);

    public async Task<string> UpsertAsync(string table, TableRow row, CancellationToken cancellationToken)
    {
        const string Operation = "upsert";
        cancellationToken.ThrowIfCancellationRequested();
        var properties = StoredProperties.Write(TableRules.CheckRow(Operation, table, row));
        var name = Find(Operation, table, row.PartitionKey, row.RowKey);
        return await Write(Operation, table, row.PartitionKey, row.RowKey, c =>
        {
            var version = NextVersion();
            c.Command("""
                INSERT INTO store_rows (table_name, partition_key, row_key, version, written_at, properties)
                VALUES ($table, $pk, $rk, $version, $at, $properties)
                ON CONFLICT DO UPDATE SET version = excluded.version, written_at = excluded.written_at, properties = excluded.properties
                """).With("$table", name).With("$pk", row.PartitionKey).With("$rk", row.RowKey)
                .With("$version", version).With("$at", Now()).With("$properties", properties).Execute();
            return ETag(version);
        }, cancellationToken);
    }

    public async Task DeleteAsync(string table, string partitionKey, string rowKey, string ifMatch, CancellationToken cancellationToken)
    {
        const string Operation = "delete";
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(rowKey);
        ArgumentException.ThrowIfNullOrEmpty(ifMatch);
        TableRules.CheckKeys(Operation, table, partitionKey, rowKey);
        var name = Find(Operation, table, partitionKey, rowKey);
        await Write(Operation, table, partitionKey, rowKey, c =>
        {
            CheckETag(c, Operation, table, name, partitionKey, rowKey, ifMatch, withProperties: false);
            return c.Command("DELETE FROM store_rows WHERE table_name = $table AND partition_key = $pk AND row_key = $rk")
                .With("$table", name).With("$pk", partitionKey).With("$rk", rowKey).Execute();
        }, cancellationToken);
    }

    public IAsyncEnumerable<TableRow> QueryPartitionAsync(string table, string partitionKey, CancellationToken cancellationToken) =>
        QueryAsync(table, partitionKey, cancellationToken);

    /// <summary>Deletes the rows of <paramref name="table"/> last written before <paramref name="before"/>; returns how many.</summary>
    public async Task<int> DeleteWrittenBeforeAsync(string table, DateTimeOffset before, CancellationToken cancellationToken)
    {
        const int Batch = 5000;
        var name = Normalize(table);
        var deleted = 0;
        int last;
        do
        {
            // In batches, so that other writes are not held up for long.
            last = await Write("prune", table, null, null, c => c.Command("""
                DELETE FROM store_rows WHERE (table_name, partition_key, row_key) IN (
                    SELECT table_name, partition_key, row_key FROM store_rows WHERE table_name = $table AND written_at < $before LIMIT $batch)
                """).With("$table", name).With("$before", before.ToUnixTimeMilliseconds()).With("$batch", Batch).Execute(), cancellationToken);
            deleted += last;
        }
        while (last == Batch);

        return deleted;
    }

    private async IAsyncEnumerable<TableRow> QueryAsync(string table, string partitionKey, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const string Operation = "query";
        cancellationToken.ThrowIfCancellationRequested();
        TableRules.CheckKeys(Operation, table, partitionKey, rowKey: null);
        var name = Find(Operation, table, partitionKey, rowKey: null);
        string? after = null;
        while (true)
        {
            var page = await Read(Operation, table, partitionKey, null, c =>
            {
                var command = after is null
                    ? c.Command("SELECT row_key, version, properties FROM store_rows WHERE table_name = $table AND partition_key = $pk ORDER BY row_key LIMIT $size")
                    : c.Command("SELECT row_key, version, properties FROM store_rows WHERE table_name = $table AND partition_key = $pk AND row_key > $after ORDER BY row_key LIMIT $size")
                        .With("$after", after);
                using var reader = command.With("$table", name).With("$pk", partitionKey).With("$size", PageSize).ExecuteReader();
                var rows = new List<TableRow>();
                while (reader.Read())
                {
                    rows.Add(new TableRow(partitionKey, reader.GetString(0), StoredProperties.Read(Blob(reader, 2)), ETag(reader.GetInt64(1))));
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

            after = page[^1].RowKey;
        }
    }

    private async Task<string> UpdateAsync(string operation, string table, TableRow row, string ifMatch, bool merge, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentException.ThrowIfNullOrEmpty(ifMatch);
        var properties = TableRules.CheckRow(operation, table, row);
        var name = Find(operation, table, row.PartitionKey, row.RowKey);
        return await Write(operation, table, row.PartitionKey, row.RowKey, c =>
        {
            var current = CheckETag(c, operation, table, name, row.PartitionKey, row.RowKey, ifMatch, withProperties: merge);
            var stored = properties;
            if (merge)
            {
                var merged = current!.ToDictionary(StringComparer.Ordinal);
                foreach (var (key, value) in properties)
                {
                    merged[key] = value;
                }

                stored = merged.Select(p => new KeyValuePair<string, object>(p.Key, p.Value!)).ToList();
            }

            var version = NextVersion();
            c.Command("UPDATE store_rows SET version = $version, written_at = $at, properties = $properties WHERE table_name = $table AND partition_key = $pk AND row_key = $rk")
                .With("$table", name).With("$pk", row.PartitionKey).With("$rk", row.RowKey)
                .With("$version", version).With("$at", Now()).With("$properties", StoredProperties.Write(stored)).Execute();
            return ETag(version);
        }, cancellationToken);
    }

    /// <summary>Fails 404 when the row is missing and 412 when <paramref name="ifMatch"/> is not its ETag; returns its properties when asked.</summary>
    private static Dictionary<string, object?>? CheckETag(StoreConnection c, string operation, string table, string name, string partitionKey, string rowKey, string ifMatch, bool withProperties)
    {
        using var reader = c.Command("SELECT version, properties FROM store_rows WHERE table_name = $table AND partition_key = $pk AND row_key = $rk")
            .With("$table", name).With("$pk", partitionKey).With("$rk", rowKey).ExecuteReader();
        if (!reader.Read())
        {
            throw TableFailure.Create(operation, table, partitionKey, rowKey, 404, TableErrorCodes.ResourceNotFound);
        }

        if (ifMatch != "*" && !string.Equals(ifMatch, ETag(reader.GetInt64(0)), StringComparison.Ordinal))
        {
            throw TableFailure.Create(operation, table, partitionKey, rowKey, 412, TableErrorCodes.UpdateConditionNotSatisfied);
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

    private async Task<T> Write<T>(string operation, string table, string? partitionKey, string? rowKey, Func<StoreConnection, T> work, CancellationToken cancellationToken)
    {
        try
        {
            return await _database.WriteAsync(work, cancellationToken);
        }
        catch (SqliteException e)
        {
            throw Unavailable(operation, table, partitionKey, rowKey, e);
        }
    }

    private async Task<T> Read<T>(string operation, string table, string? partitionKey, string? rowKey, Func<StoreConnection, T> work, CancellationToken cancellationToken)
    {
        try
        {
            return await _database.ReadAsync(work, cancellationToken);
        }
        catch (SqliteException e)
        {
            throw Unavailable(operation, table, partitionKey, rowKey, e);
        }
    }

    private static TableStoreException Unavailable(string operation, string table, string? partitionKey, string? rowKey, SqliteException e) =>
        TableFailure.Create(operation, table, partitionKey, rowKey, 503, null, $"The local store failed (SQLite error {e.SqliteErrorCode}: {e.Message}); retry later", e);
}
