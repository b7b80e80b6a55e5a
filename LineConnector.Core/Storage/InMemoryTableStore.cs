using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace LineConnector.Core.Storage;

/// <summary>
/// <see cref="ITableStore"/> in memory, for local mode and tests: the same rules, status codes,
/// error codes and messages as Table Storage. Thread-safe; every write gives the row a new ETag.
/// </summary>
public sealed class InMemoryTableStore : ITableStore
{
    // Table names are case-insensitive in Table Storage; keys and property names are not.
    private readonly ConcurrentDictionary<string, Table> _tables = new(StringComparer.OrdinalIgnoreCase);
    private long _lastVersion;

    public Task CreateTableIfNotExistsAsync(string table, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TableRules.CheckTableName("create", table);
        _tables.GetOrAdd(table, _ => new Table());
        return Task.CompletedTask;
    }

    public Task<TableRow?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        const string Operation = "get";
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(rowKey);
        TableRules.CheckKeys(Operation, table, partitionKey, rowKey);
        var rows = Find(Operation, table, partitionKey, rowKey);
        lock (rows)
        {
            return Task.FromResult(rows.TryGet(partitionKey, rowKey, out var stored) ? stored.ToRow(partitionKey, rowKey) : null);
        }
    }

    public Task<string> InsertAsync(string table, TableRow row, CancellationToken cancellationToken)
    {
        const string Operation = "insert";
        cancellationToken.ThrowIfCancellationRequested();
        var properties = TableRules.CheckRow(Operation, table, row);
        var rows = Find(Operation, table, row.PartitionKey, row.RowKey);
        lock (rows)
        {
            if (rows.TryGet(row.PartitionKey, row.RowKey, out _))
            {
                throw TableFailure.Create(Operation, table, row.PartitionKey, row.RowKey, 409, TableErrorCodes.EntityAlreadyExists);
            }

            return Task.FromResult(rows.Set(row.PartitionKey, row.RowKey, new Stored(properties, NextETag())));
        }
    }

    public Task<string> ReplaceAsync(string table, TableRow row, string ifMatch, CancellationToken cancellationToken) =>
        Update("replace", table, row, ifMatch, merge: false, cancellationToken);

    public Task<string> MergeAsync(string table, TableRow row, string ifMatch, CancellationToken cancellationToken) =>
        Update("merge", table, row, ifMatch, merge: true, cancellationToken);

    public Task<string> UpsertAsync(string table, TableRow row, CancellationToken cancellationToken)
    {
        const string Operation = "upsert";
        cancellationToken.ThrowIfCancellationRequested();
        var properties = TableRules.CheckRow(Operation, table, row);
        var rows = Find(Operation, table, row.PartitionKey, row.RowKey);
        lock (rows)
        {
            return Task.FromResult(rows.Set(row.PartitionKey, row.RowKey, new Stored(properties, NextETag())));
        }
    }

    public Task DeleteAsync(string table, string partitionKey, string rowKey, string ifMatch, CancellationToken cancellationToken)
    {
        const string Operation = "delete";
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(rowKey);
        ArgumentException.ThrowIfNullOrEmpty(ifMatch);
        TableRules.CheckKeys(Operation, table, partitionKey, rowKey);
        var rows = Find(Operation, table, partitionKey, rowKey);
        lock (rows)
        {
            CheckETag(Operation, table, partitionKey, rowKey, rows, ifMatch);
            rows.Remove(partitionKey, rowKey);
        }

        return Task.CompletedTask;
    }

    public IAsyncEnumerable<TableRow> QueryPartitionAsync(string table, string partitionKey, CancellationToken cancellationToken) =>
        Query(table, partitionKey, cancellationToken).ToAsyncEnumerable();

    // An iterator, so that a missing table fails when the rows are enumerated, as with Table Storage.
    private IEnumerable<TableRow> Query(string table, string partitionKey, CancellationToken cancellationToken)
    {
        const string Operation = "query";
        cancellationToken.ThrowIfCancellationRequested();
        TableRules.CheckKeys(Operation, table, partitionKey, rowKey: null);
        var rows = Find(Operation, table, partitionKey, rowKey: null);
        List<TableRow> snapshot;
        lock (rows)
        {
            snapshot = rows.Partition(partitionKey).Select(r => r.Value.ToRow(partitionKey, r.Key)).ToList();
        }

        foreach (var row in snapshot)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return row;
        }
    }

    private Task<string> Update(string operation, string table, TableRow row, string ifMatch, bool merge, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentException.ThrowIfNullOrEmpty(ifMatch);
        var properties = TableRules.CheckRow(operation, table, row);
        var rows = Find(operation, table, row.PartitionKey, row.RowKey);
        lock (rows)
        {
            var current = CheckETag(operation, table, row.PartitionKey, row.RowKey, rows, ifMatch);
            if (merge)
            {
                var merged = current.Properties.ToDictionary(StringComparer.Ordinal);
                foreach (var (name, value) in properties)
                {
                    merged[name] = value;
                }

                properties = merged.ToList();
            }

            return Task.FromResult(rows.Set(row.PartitionKey, row.RowKey, new Stored(properties, NextETag())));
        }
    }

    private Table Find(string operation, string table, string partitionKey, string? rowKey) =>
        _tables.TryGetValue(table, out var rows)
            ? rows
            : throw TableFailure.Create(operation, table, partitionKey, rowKey, 404, TableErrorCodes.TableNotFound);

    private static Stored CheckETag(string operation, string table, string partitionKey, string rowKey, Table rows, string ifMatch)
    {
        if (!rows.TryGet(partitionKey, rowKey, out var current))
        {
            throw TableFailure.Create(operation, table, partitionKey, rowKey, 404, TableErrorCodes.ResourceNotFound);
        }

        if (ifMatch != "*" && !string.Equals(ifMatch, current.ETag, StringComparison.Ordinal))
        {
            throw TableFailure.Create(operation, table, partitionKey, rowKey, 412, TableErrorCodes.UpdateConditionNotSatisfied);
        }

        return current;
    }

    private string NextETag() =>
        string.Create(CultureInfo.InvariantCulture, $"W/\"{Interlocked.Increment(ref _lastVersion)}\"");

    /// <summary>One table's partitions, each with its rows in row key order. Callers lock it.</summary>
    private sealed class Table
    {
        private readonly SortedDictionary<string, SortedDictionary<string, Stored>> _partitions = new(StringComparer.Ordinal);

        public bool TryGet(string partitionKey, string rowKey, [MaybeNullWhen(false)] out Stored stored)
        {
            stored = null;
            return _partitions.TryGetValue(partitionKey, out var rows) && rows.TryGetValue(rowKey, out stored);
        }

        public string Set(string partitionKey, string rowKey, Stored stored)
        {
            if (!_partitions.TryGetValue(partitionKey, out var rows))
            {
                rows = new SortedDictionary<string, Stored>(StringComparer.Ordinal);
                _partitions.Add(partitionKey, rows);
            }

            rows[rowKey] = stored;
            return stored.ETag;
        }

        public void Remove(string partitionKey, string rowKey)
        {
            var rows = _partitions[partitionKey];
            rows.Remove(rowKey);
            if (rows.Count == 0)
            {
                _partitions.Remove(partitionKey);
            }
        }

        public IEnumerable<KeyValuePair<string, Stored>> Partition(string partitionKey) =>
            _partitions.TryGetValue(partitionKey, out var rows) ? rows : [];
    }

    /// <summary>A stored row: properties already checked and normalized by <see cref="TableRules"/>, never mutated.</summary>
    private sealed record Stored(IReadOnlyList<KeyValuePair<string, object>> Properties, string ETag)
    {
        public TableRow ToRow(string partitionKey, string rowKey)
        {
            var properties = new Dictionary<string, object?>(Properties.Count, StringComparer.Ordinal);
            foreach (var (name, value) in Properties)
            {
                // byte[] is the one mutable value type: callers get their own copy.
                properties[name] = value is byte[] bytes ? bytes.ToArray() : value;
            }

            return new TableRow(partitionKey, rowKey, properties, ETag);
        }
    }
}
