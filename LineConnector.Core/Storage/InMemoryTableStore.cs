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

    public Task<string> InsertAsync(string table, TableRow row, CancellationToken cancellationToken) =>
        Write(TableOperationKind.Insert, table, row, ifMatch: null, cancellationToken);

    public Task<string> ReplaceAsync(string table, TableRow row, string ifMatch, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(ifMatch);
        return Write(TableOperationKind.Replace, table, row, ifMatch, cancellationToken);
    }

    public Task<string> MergeAsync(string table, TableRow row, string ifMatch, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(ifMatch);
        return Write(TableOperationKind.Merge, table, row, ifMatch, cancellationToken);
    }

    public Task<string> UpsertAsync(string table, TableRow row, CancellationToken cancellationToken) =>
        Write(TableOperationKind.Upsert, table, row, ifMatch: null, cancellationToken);

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
            Prepare(rows, Operation, null, table, TableOperationKind.Delete, partitionKey, rowKey, [], ifMatch);
            rows.Remove(partitionKey, rowKey);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string?>> SubmitTransactionAsync(
        string table, string partitionKey, IReadOnlyList<TableOperation> operations, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var properties = TableRules.CheckTransaction(table, partitionKey, operations);
        var rows = Find(TableRules.Transaction, table, partitionKey, rowKey: null);
        lock (rows)
        {
            // Every operation is checked against the rows as they are before any is applied: each row
            // appears once, so none depends on another, and a failure leaves everything unchanged.
            var changes = new Stored?[operations.Count];
            for (var i = 0; i < operations.Count; i++)
            {
                var operation = operations[i];
                changes[i] = Prepare(rows, TableFailure.TransactionOperation(i, operation.Kind), i, table, operation.Kind,
                    partitionKey, operation.Row.RowKey, properties[i], operation.IfMatch);
            }

            var etags = new string?[operations.Count];
            for (var i = 0; i < operations.Count; i++)
            {
                var rowKey = operations[i].Row.RowKey;
                if (changes[i] is { } stored)
                {
                    etags[i] = rows.Set(partitionKey, rowKey, stored);
                }
                else
                {
                    rows.Remove(partitionKey, rowKey);
                }
            }

            return Task.FromResult<IReadOnlyList<string?>>(etags);
        }
    }

    public IAsyncEnumerable<TableRow> QueryPartitionAsync(string table, string partitionKey, CancellationToken cancellationToken) =>
        Query(table, partitionKey, cancellationToken).ToAsyncEnumerable();

    public IAsyncEnumerable<TableRow> QueryAsync(string table, TableKeyRange partitionKeys, TableKeyRange? rowKeys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partitionKeys);
        return Query(table, partitionKeys, rowKeys, cancellationToken).ToAsyncEnumerable();
    }

    private IEnumerable<TableRow> Query(string table, string partitionKey, CancellationToken cancellationToken) =>
        Query(table, TableKeyRange.Only(partitionKey), null, cancellationToken);

    // An iterator, so that a missing table fails when the rows are enumerated, as with Table Storage.
    private IEnumerable<TableRow> Query(string table, TableKeyRange partitionKeys, TableKeyRange? rowKeys, CancellationToken cancellationToken)
    {
        const string Operation = "query";
        cancellationToken.ThrowIfCancellationRequested();
        TableRules.CheckRange(Operation, table, partitionKeys, rowKeys);
        var rows = Find(Operation, table, partitionKeys.From, rowKey: null);
        List<TableRow> snapshot;
        lock (rows)
        {
            snapshot = rows.Partitions(partitionKeys)
                .SelectMany(p => p.Value.Where(r => rowKeys?.Contains(r.Key) ?? true).Select(r => r.Value.ToRow(p.Key, r.Key)))
                .ToList();
        }

        foreach (var row in snapshot)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return row;
        }
    }

    private Task<string> Write(TableOperationKind kind, string table, TableRow row, string? ifMatch, CancellationToken cancellationToken)
    {
        var operation = TableTexts.Operation.Format(kind);
        cancellationToken.ThrowIfCancellationRequested();
        var properties = TableRules.CheckRow(operation, table, row);
        var rows = Find(operation, table, row.PartitionKey, row.RowKey);
        lock (rows)
        {
            var stored = Prepare(rows, operation, null, table, kind, row.PartitionKey, row.RowKey, properties, ifMatch)!;
            return Task.FromResult(rows.Set(row.PartitionKey, row.RowKey, stored));
        }
    }

    /// <summary>
    /// Checks one write against the row as it is (exists, ETag) and returns the row to store, or
    /// null for a delete. Changes nothing; the caller holds the table's lock and applies the result.
    /// </summary>
    private Stored? Prepare(
        Table rows, string operation, int? operationIndex, string table, TableOperationKind kind, string partitionKey, string rowKey,
        List<KeyValuePair<string, object>> properties, string? ifMatch)
    {
        switch (kind)
        {
            case TableOperationKind.Insert when rows.TryGet(partitionKey, rowKey, out _):
                throw TableFailure.Create(operation, table, partitionKey, rowKey, 409, TableErrorCodes.EntityAlreadyExists, operationIndex: operationIndex);
            case TableOperationKind.Insert or TableOperationKind.Upsert:
                return new Stored(properties, NextETag());
            case TableOperationKind.Delete:
                CheckETag(operation, operationIndex, table, partitionKey, rowKey, rows, ifMatch!);
                return null;
            case TableOperationKind.Merge:
                var merged = CheckETag(operation, operationIndex, table, partitionKey, rowKey, rows, ifMatch!).Properties.ToDictionary(StringComparer.Ordinal);
                foreach (var (name, value) in properties)
                {
                    merged[name] = value;
                }

                return new Stored(merged.ToList(), NextETag());
            default:
                CheckETag(operation, operationIndex, table, partitionKey, rowKey, rows, ifMatch!);
                return new Stored(properties, NextETag());
        }
    }

    private Table Find(string operation, string table, string partitionKey, string? rowKey) =>
        _tables.TryGetValue(table, out var rows)
            ? rows
            : throw TableFailure.Create(operation, table, partitionKey, rowKey, 404, TableErrorCodes.TableNotFound);

    private static Stored CheckETag(string operation, int? operationIndex, string table, string partitionKey, string rowKey, Table rows, string ifMatch)
    {
        if (!rows.TryGet(partitionKey, rowKey, out var current))
        {
            throw TableFailure.Create(operation, table, partitionKey, rowKey, 404, TableErrorCodes.ResourceNotFound, operationIndex: operationIndex);
        }

        if (ifMatch != "*" && !string.Equals(ifMatch, current.ETag, StringComparison.Ordinal))
        {
            throw TableFailure.Create(operation, table, partitionKey, rowKey, 412, TableErrorCodes.UpdateConditionNotSatisfied, operationIndex: operationIndex);
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

        public IEnumerable<KeyValuePair<string, SortedDictionary<string, Stored>>> Partitions(TableKeyRange range) =>
            range.Before is null
                ? _partitions.TryGetValue(range.From, out var rows) ? [KeyValuePair.Create(range.From, rows)] : []
                : _partitions.Where(p => range.Contains(p.Key));
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
