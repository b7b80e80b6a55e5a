using System.Text.Json.Serialization;

namespace LineConnector.Functions.TableStorage;

/// <summary>Body of "Create Table".</summary>
internal sealed record CreateTableBody([property: JsonPropertyName("TableName")] string TableName);

/// <summary>Body of a failed request: <c>{"odata.error":{"code":"...","message":{"lang":"en-US","value":"..."}}}</c>.</summary>
internal sealed record TableErrorBody([property: JsonPropertyName("odata.error")] TableError? Error);

internal sealed record TableError(string? Code, TableErrorMessage? Message);

internal sealed record TableErrorMessage(string? Value);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(CreateTableBody))]
[JsonSerializable(typeof(TableErrorBody))]
internal sealed partial class TableJsonContext : JsonSerializerContext;
