namespace LineConnector.Core.Storage;

/// <summary>
/// A row of an Azure Table: keys, an ETag for optimistic concurrency, and flat properties whose
/// values are string, bool, int, long, double, DateTimeOffset, Guid or byte[] (null: absent).
/// </summary>
public sealed record TableRow(string PartitionKey, string RowKey, IReadOnlyDictionary<string, object?> Properties, string? ETag = null);

/// <summary>
/// The small part of Azure Table Storage the connector uses. Implemented over Azure.Data.Tables
/// (Azure and Azurite) and in memory (local mode, tests); one contract test suite covers both.
/// Failures throw <see cref="TableStoreException"/>.
/// </summary>
public interface ITableStore
{
    Task CreateTableIfNotExistsAsync(string table, CancellationToken cancellationToken);

    /// <summary>The row, or null when there is none.</summary>
    Task<TableRow?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken);

    /// <summary>Adds a row; a row with the same keys fails with status 409. Returns the new ETag.</summary>
    Task<string> InsertAsync(string table, TableRow row, CancellationToken cancellationToken);

    /// <summary>Replaces a row whose ETag is <paramref name="ifMatch"/> ("*": any); a changed row fails with 412, a missing one with 404.</summary>
    Task<string> ReplaceAsync(string table, TableRow row, string ifMatch, CancellationToken cancellationToken);

    /// <summary>Merges the given properties into a row whose ETag is <paramref name="ifMatch"/> ("*": any).</summary>
    Task<string> MergeAsync(string table, TableRow row, string ifMatch, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces, whatever is there.</summary>
    Task<string> UpsertAsync(string table, TableRow row, CancellationToken cancellationToken);

    /// <summary>Deletes a row whose ETag is <paramref name="ifMatch"/> ("*": any); a missing row fails with 404.</summary>
    Task DeleteAsync(string table, string partitionKey, string rowKey, string ifMatch, CancellationToken cancellationToken);

    /// <summary>Every row of one partition, in row key order, fetched page by page.</summary>
    IAsyncEnumerable<TableRow> QueryPartitionAsync(string table, string partitionKey, CancellationToken cancellationToken);

    /// <summary>
    /// Every row whose partition key is in <paramref name="partitionKeys"/> and, when given, whose row
    /// key is in <paramref name="rowKeys"/>, in key order, fetched page by page: the rows of a range of
    /// partitions (e.g. all of one channel's), or a range of the rows of one partition.
    /// </summary>
    IAsyncEnumerable<TableRow> QueryAsync(string table, TableKeyRange partitionKeys, TableKeyRange? rowKeys, CancellationToken cancellationToken);

    /// <summary>
    /// Runs 1 to <see cref="TableRules.MaxTransactionOperations"/> operations on rows of one partition
    /// as one entity-group transaction: all of them take effect or none does. A row appears at most
    /// once. The first operation that cannot be done fails the whole transaction, and the
    /// <see cref="TableStoreException"/> names it in <see cref="TableStoreException.OperationIndex"/>.
    /// </summary>
    /// <returns>Each operation's new ETag, in order; null for a delete.</returns>
    Task<IReadOnlyList<string?>> SubmitTransactionAsync(string table, string partitionKey, IReadOnlyList<TableOperation> operations, CancellationToken cancellationToken);
}

/// <summary>A Table Storage operation failed; names the table, keys, HTTP status and service error code.</summary>
public sealed class TableStoreException(
    string message, string table, string? partitionKey, string? rowKey, int status, string? errorCode, Exception? innerException = null, int? operationIndex = null)
    : Exception(message, innerException)
{
    public string Table { get; } = table;
    public string? PartitionKey { get; } = partitionKey;
    public string? RowKey { get; } = rowKey;

    /// <summary>HTTP status: 404 not found, 409 conflict, 412 ETag mismatch, 0 when the service could not be reached.</summary>
    public int Status { get; } = status;

    public string? ErrorCode { get; } = errorCode;

    /// <summary>In a failed transaction, the index of the operation that failed; null otherwise or when the service does not say.</summary>
    public int? OperationIndex { get; } = operationIndex;

    /// <summary>True when retrying later may succeed (service unreachable, 5xx, throttled).</summary>
    public bool IsTransient => Status is 0 or 408 or 429 or >= 500;
}
