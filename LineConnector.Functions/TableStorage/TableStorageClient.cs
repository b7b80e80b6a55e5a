using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using LineConnector.Core.Storage;

namespace LineConnector.Functions.TableStorage;

/// <summary>
/// <see cref="ITableStore"/> over the Table service's REST API (Azure Storage, Azurite) on an
/// Azure.Core pipeline with retry: a bearer token from a <see cref="TokenCredential"/> for Azure,
/// or Shared Key Lite with an account key (Azurite, key-based accounts). Azure.Data.Tables is not
/// available to this project.
/// </summary>
public sealed class TableStorageClient : ITableStore
{
    public const string Scope = "https://storage.azure.com/.default";

    /// <summary>The REST API version sent as <c>x-ms-version</c>; Azure and Azurite 3.37 accept it.</summary>
    public const string ServiceVersion = "2024-11-04";

    private static readonly RequestMethod Merge = new("MERGE");

    private readonly string _endpoint;
    private readonly HttpPipeline _pipeline;

    /// <param name="connectionString">See <see cref="TableStorageConnectionString"/>.</param>
    public TableStorageClient(string connectionString, TableStorageClientOptions? options = null)
        : this(TableStorageConnectionString.Parse(connectionString), options ?? new TableStorageClientOptions())
    {
    }

    /// <param name="endpoint">The account's table endpoint, e.g. <c>https://contoso.table.core.windows.net/</c>.</param>
    public TableStorageClient(Uri endpoint, TokenCredential credential, TableStorageClientOptions? options = null)
        : this(endpoint, new BearerTokenAuthenticationPolicy(credential ?? throw new ArgumentNullException(nameof(credential)), Scope), options ?? new TableStorageClientOptions())
    {
    }

    private TableStorageClient(TableStorageConnectionString connection, TableStorageClientOptions options)
        : this(connection.TableEndpoint, new SharedKeyLitePolicy(connection.AccountName, connection.AccountKey), options)
    {
    }

    private TableStorageClient(Uri endpoint, HttpPipelinePolicy authentication, TableStorageClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsAbsoluteUri || endpoint.Scheme is not ("https" or "http"))
        {
            throw new ArgumentException($"The table endpoint must be an absolute http or https URL, not '{endpoint}'.", nameof(endpoint));
        }

        _endpoint = endpoint.AbsoluteUri.TrimEnd('/');
        _pipeline = HttpPipelineBuilder.Build(options, [], [new TableDatePolicy(options.TimeProvider), authentication], new ResponseClassifier());
    }

    /// <summary>The table endpoint requests go to.</summary>
    public Uri Endpoint => new(_endpoint);

    public async Task CreateTableIfNotExistsAsync(string table, CancellationToken cancellationToken)
    {
        const string Operation = "create";
        TableRules.CheckTableName(Operation, table);
        using var message = CreateMessage(RequestMethod.Post, "Tables");
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        Content(message, JsonSerializer.SerializeToUtf8Bytes(new CreateTableBody(table), TableJsonContext.Default.CreateTableBody));
        var response = await SendAsync(message, Operation, table, null, null, cancellationToken);
        if (response.Status is 201 or 204)
        {
            return;
        }

        var failure = Failure(response, Operation, table, null, null);
        if (failure.ErrorCode != TableErrorCodes.TableAlreadyExists)
        {
            throw failure;
        }
    }

    public async Task<TableRow?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        const string Operation = "get";
        ArgumentNullException.ThrowIfNull(rowKey);
        TableRules.CheckKeys(Operation, table, partitionKey, rowKey);
        using var message = CreateMessage(RequestMethod.Get, EntityPath(table, partitionKey, rowKey));
        var response = await SendAsync(message, Operation, table, partitionKey, rowKey, cancellationToken);
        if (response.Status == 200)
        {
            using var body = Parse(response, Operation, table, partitionKey, rowKey);
            return ReadRow(response, Operation, table, partitionKey, rowKey, body.RootElement, ETag(response));
        }

        var failure = Failure(response, Operation, table, partitionKey, rowKey);
        return failure.ErrorCode == TableErrorCodes.ResourceNotFound ? null : throw failure;
    }

    /// <remarks>
    /// When a try times out after the service stored the row, the pipeline's retry is answered 409:
    /// the row exists, written by this call. Callers that use insert as a guard read the row to tell.
    /// </remarks>
    public async Task<string> InsertAsync(string table, TableRow row, CancellationToken cancellationToken)
    {
        const string Operation = "insert";
        var properties = TableRules.CheckRow(Operation, table, row);
        using var message = CreateMessage(RequestMethod.Post, table);
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        Content(message, TableEntityJson.Write(row.PartitionKey, row.RowKey, properties));
        return await WriteAsync(message, Operation, table, row, cancellationToken);
    }

    public Task<string> ReplaceAsync(string table, TableRow row, string ifMatch, CancellationToken cancellationToken) =>
        UpdateAsync("replace", RequestMethod.Put, table, row, ifMatch, cancellationToken);

    public Task<string> MergeAsync(string table, TableRow row, string ifMatch, CancellationToken cancellationToken) =>
        UpdateAsync("merge", Merge, table, row, ifMatch, cancellationToken);

    public Task<string> UpsertAsync(string table, TableRow row, CancellationToken cancellationToken) =>
        UpdateAsync("upsert", RequestMethod.Put, table, row, ifMatch: null, cancellationToken);

    public async Task DeleteAsync(string table, string partitionKey, string rowKey, string ifMatch, CancellationToken cancellationToken)
    {
        const string Operation = "delete";
        ArgumentNullException.ThrowIfNull(rowKey);
        ArgumentException.ThrowIfNullOrEmpty(ifMatch);
        TableRules.CheckKeys(Operation, table, partitionKey, rowKey);
        using var message = CreateMessage(RequestMethod.Delete, EntityPath(table, partitionKey, rowKey));
        message.Request.Headers.SetValue(HttpHeader.Names.IfMatch, ifMatch);
        var response = await SendAsync(message, Operation, table, partitionKey, rowKey, cancellationToken);
        if (response.Status != 204)
        {
            throw Failure(response, Operation, table, partitionKey, rowKey);
        }
    }

    public async IAsyncEnumerable<TableRow> QueryPartitionAsync(string table, string partitionKey, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const string Operation = "query";
        TableRules.CheckKeys(Operation, table, partitionKey, rowKey: null);
        string? nextPartitionKey = null;
        string? nextRowKey = null;
        do
        {
            List<TableRow> page;
            using (var message = CreateMessage(RequestMethod.Get, table + "()"))
            {
                var uri = message.Request.Uri;
                uri.AppendQuery("$filter", $"PartitionKey eq '{partitionKey.Replace("'", "''", StringComparison.Ordinal)}'", escapeValue: true);
                // The service answers at most 1,000 rows per request and continues from these keys.
                if (nextPartitionKey is not null)
                {
                    uri.AppendQuery("NextPartitionKey", nextPartitionKey, escapeValue: true);
                }

                if (nextRowKey is not null)
                {
                    uri.AppendQuery("NextRowKey", nextRowKey, escapeValue: true);
                }

                var response = await SendAsync(message, Operation, table, partitionKey, null, cancellationToken);
                if (response.Status != 200)
                {
                    throw Failure(response, Operation, table, partitionKey, null);
                }

                using var body = Parse(response, Operation, table, partitionKey, null);
                if (!body.RootElement.TryGetProperty("value", out var rows) || rows.ValueKind != JsonValueKind.Array)
                {
                    throw TableFailure.Create(Operation, table, partitionKey, null, response.Status, null, "The service's answer has no 'value' array of rows");
                }

                page = new List<TableRow>(rows.GetArrayLength());
                foreach (var row in rows.EnumerateArray())
                {
                    page.Add(ReadRow(response, Operation, table, partitionKey, null, row, etag: null));
                }

                nextPartitionKey = response.Headers.TryGetValue("x-ms-continuation-NextPartitionKey", out var npk) ? npk : null;
                nextRowKey = response.Headers.TryGetValue("x-ms-continuation-NextRowKey", out var nrk) ? nrk : null;
            }

            foreach (var row in page)
            {
                yield return row;
            }
        }
        while (nextPartitionKey is not null);
    }

    private async Task<string> UpdateAsync(string operation, RequestMethod method, string table, TableRow row, string? ifMatch, CancellationToken cancellationToken)
    {
        if (ifMatch is not null)
        {
            ArgumentException.ThrowIfNullOrEmpty(ifMatch);
        }

        var properties = TableRules.CheckRow(operation, table, row);
        using var message = CreateMessage(method, EntityPath(table, row.PartitionKey, row.RowKey));
        if (ifMatch is not null)
        {
            message.Request.Headers.SetValue(HttpHeader.Names.IfMatch, ifMatch);
        }

        Content(message, TableEntityJson.Write(row.PartitionKey, row.RowKey, properties));
        return await WriteAsync(message, operation, table, row, cancellationToken);
    }

    private async Task<string> WriteAsync(HttpMessage message, string operation, string table, TableRow row, CancellationToken cancellationToken)
    {
        var response = await SendAsync(message, operation, table, row.PartitionKey, row.RowKey, cancellationToken);
        if (response.Status != 204)
        {
            throw Failure(response, operation, table, row.PartitionKey, row.RowKey);
        }

        return ETag(response) ?? throw TableFailure.Create(operation, table, row.PartitionKey, row.RowKey, response.Status, null, "The service's answer has no ETag");
    }

    private HttpMessage CreateMessage(RequestMethod method, string path)
    {
        var message = _pipeline.CreateMessage();
        var request = message.Request;
        request.Method = method;
        request.Uri.Reset(new Uri($"{_endpoint}/{path}"));
        request.Headers.SetValue("x-ms-version", ServiceVersion);
        request.Headers.SetValue("DataServiceVersion", "3.0");
        request.Headers.SetValue("MaxDataServiceVersion", "3.0;NetFx");
        request.Headers.SetValue(HttpHeader.Names.Accept, "application/json;odata=minimalmetadata");
        return message;
    }

    private static void Content(HttpMessage message, ReadOnlyMemory<byte> json)
    {
        message.Request.Headers.SetValue(HttpHeader.Names.ContentType, "application/json");
        message.Request.Content = RequestContent.Create(json);
    }

    /// <summary><c>table(PartitionKey='...',RowKey='...')</c>: quotes doubled (OData), then percent-encoded.</summary>
    private static string EntityPath(string table, string partitionKey, string rowKey) =>
        $"{table}(PartitionKey='{EscapeKey(partitionKey)}',RowKey='{EscapeKey(rowKey)}')";

    private static string EscapeKey(string key) => Uri.EscapeDataString(key.Replace("'", "''", StringComparison.Ordinal));

    private static string? ETag(Response response) => response.Headers.TryGetValue("ETag", out var etag) ? etag : null;

    private async Task<Response> SendAsync(HttpMessage message, string operation, string table, string? partitionKey, string? rowKey, CancellationToken cancellationToken)
    {
        try
        {
            await _pipeline.SendAsync(message, cancellationToken);
            return message.Response;
        }
        catch (Exception e) when (IsUnreachable(e, cancellationToken))
        {
            throw TableFailure.Create(operation, table, partitionKey, rowKey, 0, null, $"{e.Message} Retry later", e);
        }
    }

    /// <summary>
    /// The service could not be asked: connection refused or reset, timed out (after the pipeline's
    /// retries; several failed tries come as an AggregateException), or no token could be had.
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

    private static JsonDocument Parse(Response response, string operation, string table, string? partitionKey, string? rowKey)
    {
        try
        {
            return JsonDocument.Parse(response.Content.ToMemory());
        }
        catch (JsonException e)
        {
            throw TableFailure.Create(operation, table, partitionKey, rowKey, response.Status, null, $"The service's answer is not JSON: {e.Message}", e);
        }
    }

    private static TableRow ReadRow(Response response, string operation, string table, string? partitionKey, string? rowKey, JsonElement entity, string? etag)
    {
        try
        {
            return TableEntityJson.Read(entity, etag);
        }
        catch (FormatException e)
        {
            throw TableFailure.Create(operation, table, partitionKey, rowKey, response.Status, null, e.Message, e);
        }
    }

    /// <summary>The failure a response reports: its status, the service's error code and first line of message.</summary>
    private static TableStoreException Failure(Response response, string operation, string table, string? partitionKey, string? rowKey)
    {
        string? code = null;
        string? detail = null;
        var content = response.Content.ToMemory();
        if (!content.IsEmpty)
        {
            try
            {
                var error = JsonSerializer.Deserialize(content.Span, TableJsonContext.Default.TableErrorBody)?.Error;
                code = error?.Code;
                detail = error?.Message?.Value?.Split('\n', 2)[0].Trim();
            }
            catch (JsonException)
            {
                // Not the service's JSON (a proxy's page, say): status and reason still tell what happened.
            }
        }

        if (code is null && response.Headers.TryGetValue("x-ms-error-code", out var headerCode))
        {
            code = headerCode;
        }

        return TableFailure.Create(operation, table, partitionKey, rowKey, response.Status, code, string.IsNullOrEmpty(detail) ? response.ReasonPhrase : detail);
    }
}
