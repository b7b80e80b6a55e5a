using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Azure.Identity;
using LineConnector.Core.Storage;

namespace LineConnector.Functions.TableStorage;

/// <summary>
/// <see cref="ITableStore"/> over Azure.Data.Tables (Azure Storage, Azurite): one
/// <see cref="TableClient"/> per table, rows as <see cref="TableEntity"/>, failures as
/// <see cref="TableStoreException"/> worded as the in-memory store words them. Input is checked by
/// <see cref="TableRules"/> before anything is sent. Retries are the client's
/// (<see cref="TableStorageSettings.CreateClientOptions"/>).
/// </summary>
public sealed class AzureTableStore(TableServiceClient service) : ITableStore
{
    /// <summary>Entity properties that are the service's, not the row's.</summary>
    private static readonly HashSet<string> ServiceProperties = new(StringComparer.Ordinal) { "PartitionKey", "RowKey", "Timestamp", "odata.etag" };

    private readonly TableServiceClient _service = service ?? throw new ArgumentNullException(nameof(service));
    private readonly ConcurrentDictionary<string, TableClient> _tables = new(StringComparer.Ordinal);

    /// <summary>The table endpoint requests go to.</summary>
    public Uri Endpoint => _service.Uri;

    public Task CreateTableIfNotExistsAsync(string table, CancellationToken cancellationToken)
    {
        const string Operation = "create";
        TableRules.CheckTableName(Operation, table);
        return CallAsync(Operation, table, null, null, () => Table(table).CreateIfNotExistsAsync(cancellationToken), cancellationToken);
    }

    public async Task<TableRow?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        const string Operation = "get";
        ArgumentNullException.ThrowIfNull(rowKey);
        TableRules.CheckKeys(Operation, table, partitionKey, rowKey);
        var response = await CallAsync(Operation, table, partitionKey, rowKey,
            () => Table(table).GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken), cancellationToken);
        if (response.HasValue)
        {
            return ToRow(Operation, table, response.Value!);
        }

        // The client answers "no row" to any 404, also when the table is missing.
        var raw = response.GetRawResponse();
        return ErrorCode(raw) is { } code and not TableErrorCodes.ResourceNotFound
            ? throw TableFailure.Create(Operation, table, partitionKey, rowKey, raw.Status, code)
            : null;
    }

    /// <remarks>
    /// When a try times out after the service stored the row, the client's retry is answered 409:
    /// the row exists, written by this call. Callers that use insert as a guard read the row to tell.
    /// </remarks>
    public async Task<string> InsertAsync(string table, TableRow row, CancellationToken cancellationToken)
    {
        const string Operation = "insert";
        var entity = ToEntity(row, TableRules.CheckRow(Operation, table, row));
        var response = await CallAsync(Operation, table, row.PartitionKey, row.RowKey, () => Table(table).AddEntityAsync(entity, cancellationToken), cancellationToken);
        return NewETag(response, Operation, table, row);
    }

    public Task<string> ReplaceAsync(string table, TableRow row, string ifMatch, CancellationToken cancellationToken) =>
        UpdateAsync("replace", TableUpdateMode.Replace, table, row, ifMatch, cancellationToken);

    public Task<string> MergeAsync(string table, TableRow row, string ifMatch, CancellationToken cancellationToken) =>
        UpdateAsync("merge", TableUpdateMode.Merge, table, row, ifMatch, cancellationToken);

    public async Task<string> UpsertAsync(string table, TableRow row, CancellationToken cancellationToken)
    {
        const string Operation = "upsert";
        var entity = ToEntity(row, TableRules.CheckRow(Operation, table, row));
        var response = await CallAsync(Operation, table, row.PartitionKey, row.RowKey,
            () => Table(table).UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken), cancellationToken);
        return NewETag(response, Operation, table, row);
    }

    public async Task DeleteAsync(string table, string partitionKey, string rowKey, string ifMatch, CancellationToken cancellationToken)
    {
        const string Operation = "delete";
        ArgumentNullException.ThrowIfNull(rowKey);
        ArgumentException.ThrowIfNullOrEmpty(ifMatch);
        TableRules.CheckKeys(Operation, table, partitionKey, rowKey);
        var response = await CallAsync(Operation, table, partitionKey, rowKey,
            () => Table(table).DeleteEntityAsync(partitionKey, rowKey, new ETag(ifMatch), cancellationToken), cancellationToken);

        // The client answers a 404 without throwing: deleting a missing row "succeeds". Not here.
        if (response.Status == 404)
        {
            throw TableFailure.Create(Operation, table, partitionKey, rowKey, 404, ErrorCode(response) ?? TableErrorCodes.ResourceNotFound);
        }
    }

    public IAsyncEnumerable<TableRow> QueryPartitionAsync(string table, string partitionKey, CancellationToken cancellationToken) =>
        QueryAsync(table, TableKeyRange.Only(partitionKey), null, cancellationToken);

    public async IAsyncEnumerable<TableRow> QueryAsync(
        string table, TableKeyRange partitionKeys, TableKeyRange? rowKeys, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const string Operation = "query";
        TableRules.CheckRange(Operation, table, partitionKeys, rowKeys);
        var filter = partitionKeys.Before is { } before
            ? TableClient.CreateQueryFilter($"PartitionKey ge {partitionKeys.From} and PartitionKey lt {before}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partitionKeys.From}");
        if (rowKeys is not null)
        {
            filter += rowKeys.Before is { } rowBefore
                ? TableClient.CreateQueryFilter($" and RowKey ge {rowKeys.From} and RowKey lt {rowBefore}")
                : TableClient.CreateQueryFilter($" and RowKey eq {rowKeys.From}");
        }

        // The service answers at most 1,000 rows a page; the pageable follows the continuation.
        var pages = Table(table).QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).AsPages();
        await using var page = pages.GetAsyncEnumerator(cancellationToken);
        while (await CallAsync(Operation, table, partitionKeys.From, null, () => page.MoveNextAsync().AsTask(), cancellationToken))
        {
            foreach (var entity in page.Current.Values)
            {
                yield return ToRow(Operation, table, entity);
            }
        }
    }

    public async Task<IReadOnlyList<string?>> SubmitTransactionAsync(
        string table, string partitionKey, IReadOnlyList<TableOperation> operations, CancellationToken cancellationToken)
    {
        var properties = TableRules.CheckTransaction(table, partitionKey, operations);
        var actions = operations.Select((operation, i) => Action(operation, ToEntity(operation.Row, properties[i]))).ToList();
        Response<IReadOnlyList<Response>> responses;
        try
        {
            responses = await Table(table).SubmitTransactionAsync(actions, cancellationToken);
        }
        catch (TableTransactionFailedException e) when (e.FailedTransactionActionIndex is { } index && index >= 0 && index < operations.Count
            && e.ErrorCode != TableErrorCodes.TableNotFound)
        {
            throw Failure(e, TableFailure.TransactionOperation(index, operations[index].Kind), table, partitionKey, operations[index].Row.RowKey, index);
        }
        catch (Exception e) when (Map(e, TableRules.Transaction, table, partitionKey, null, cancellationToken) is { } failure)
        {
            throw failure;
        }

        var etags = new string?[operations.Count];
        for (var i = 0; i < operations.Count; i++)
        {
            if (operations[i].Kind != TableOperationKind.Delete)
            {
                etags[i] = NewETag(responses.Value[i], TableFailure.TransactionOperation(i, operations[i].Kind), table, operations[i].Row);
            }
        }

        return etags;
    }

    private TableClient Table(string table) => _tables.GetOrAdd(table, _service.GetTableClient);

    private async Task<string> UpdateAsync(string operation, TableUpdateMode mode, string table, TableRow row, string ifMatch, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(ifMatch);
        var entity = ToEntity(row, TableRules.CheckRow(operation, table, row));
        var response = await CallAsync(operation, table, row.PartitionKey, row.RowKey,
            () => Table(table).UpdateEntityAsync(entity, new ETag(ifMatch), mode, cancellationToken), cancellationToken);
        return NewETag(response, operation, table, row);
    }

    private static TableTransactionAction Action(TableOperation operation, TableEntity entity) => operation.Kind switch
    {
        TableOperationKind.Insert => new(TableTransactionActionType.Add, entity),
        TableOperationKind.Upsert => new(TableTransactionActionType.UpsertReplace, entity),
        TableOperationKind.Replace => new(TableTransactionActionType.UpdateReplace, entity, new ETag(operation.IfMatch!)),
        TableOperationKind.Merge => new(TableTransactionActionType.UpdateMerge, entity, new ETag(operation.IfMatch!)),
        TableOperationKind.Delete => new(TableTransactionActionType.Delete, entity, new ETag(operation.IfMatch!)),
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation.Kind, "Not a table operation."),
    };

    /// <param name="properties">The row's properties as <see cref="TableRules.CheckRow"/> returned them.</param>
    private static TableEntity ToEntity(TableRow row, List<KeyValuePair<string, object>> properties)
    {
        var entity = new TableEntity(row.PartitionKey, row.RowKey);
        foreach (var (name, value) in properties)
        {
            if (value is double d && !double.IsFinite(d))
            {
                // The client writes doubles as JSON numbers, which cannot be NaN or ±Infinity; the
                // service's OData JSON takes them as strings typed Edm.Double, and the client reads them back as doubles.
                entity[name] = double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
                entity[name + "@odata.type"] = "Edm.Double";
            }
            else
            {
                entity[name] = value;
            }
        }

        return entity;
    }

    private static TableRow ToRow(string operation, string table, TableEntity entity)
    {
        var properties = new Dictionary<string, object?>(entity.Count, StringComparer.Ordinal);
        foreach (var (name, value) in entity)
        {
            if (value is null || ServiceProperties.Contains(name))
            {
                continue;
            }

            properties[name] = value switch
            {
                string or bool or int or long or double or Guid or byte[] => value,
                DateTimeOffset date => date.ToUniversalTime(),
                _ => throw TableFailure.Create(operation, table, entity.PartitionKey, entity.RowKey, 200, null,
                    $"Property '{name}' is a {value.GetType().Name}, which is not a Table Storage value"),
            };
        }

        return new TableRow(entity.PartitionKey, entity.RowKey, properties, entity.ETag.ToString());
    }

    private static string NewETag(Response response, string operation, string table, TableRow row) =>
        response.Headers.ETag is { } etag
            ? etag.ToString()
            : throw TableFailure.Create(operation, table, row.PartitionKey, row.RowKey, response.Status, null, "The service's answer has no ETag");

    /// <summary>The service's error code of a failed response, which it also sends as a header.</summary>
    private static string? ErrorCode(Response response) => response.Headers.TryGetValue("x-ms-error-code", out var code) ? code : null;

    /// <summary>Calls the client, turning its failures into <see cref="TableStoreException"/>; cancellation stays cancellation.</summary>
    private static async Task<T> CallAsync<T>(string operation, string table, string? partitionKey, string? rowKey, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (Map(e, operation, table, partitionKey, rowKey, cancellationToken) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>The <see cref="TableStoreException"/> a failure of the client is; null for what is not one (cancellation, bugs).</summary>
    private static TableStoreException? Map(Exception e, string operation, string table, string? partitionKey, string? rowKey, CancellationToken cancellationToken) =>
        e is RequestFailedException { Status: not 0 } failed
            ? Failure(failed, operation, table, partitionKey, rowKey, operationIndex: null)
            : IsUnreachable(e, cancellationToken)
                ? TableFailure.Create(operation, table, partitionKey, rowKey, 0, null, $"{e.Message} Retry later", e)
                : null;

    /// <summary>
    /// The service could not be asked: connection refused or reset, timed out (after the client's
    /// retries, several failed tries come as an AggregateException), or no token could be had.
    /// </summary>
    private static bool IsUnreachable(Exception e, CancellationToken cancellationToken) => e switch
    {
        RequestFailedException { Status: 0 } => true,
        AggregateException => true,
        AuthenticationFailedException => true,
        IOException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    /// <summary>
    /// The failure the service reported: its status and error code, and the first line of its
    /// message (the rest is request id and time); without an error code, the status's reason.
    /// </summary>
    private static TableStoreException Failure(RequestFailedException e, string operation, string table, string? partitionKey, string? rowKey, int? operationIndex)
    {
        // The client reads the code from the service's JSON; an answer in XML (Azurite's to a bad
        // signature) still carries it in the x-ms-error-code header.
        var raw = e.GetRawResponse();
        var errorCode = e.ErrorCode ?? (raw is null ? null : ErrorCode(raw));
        var detail = e.ErrorCode is null
            ? raw?.ReasonPhrase
            : e.Message.Split('\n', 2)[0].Trim();
        // A transaction's error message starts with the failed operation's index: "2:The ...".
        var colon = detail?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (operationIndex is not null && colon > 0 && detail![..colon].All(char.IsAsciiDigit))
        {
            detail = detail[(colon + 1)..];
        }

        return TableFailure.Create(operation, table, partitionKey, rowKey, e.Status, errorCode, detail, e, operationIndex);
    }
}
