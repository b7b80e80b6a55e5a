using System.Globalization;
using System.Text;

namespace LineConnector.Core.Storage;

/// <summary>
/// Builds the <see cref="TableStoreException"/> of a failed operation, so that every store words
/// the same failure the same way: operation, table, keys, HTTP status, error code, explanation.
/// </summary>
public static class TableFailure
{
    /// <summary>Keys longer than this are shortened in messages (a key may be 512 characters).</summary>
    private const int ShownKeyLength = 100;

    /// <param name="operation">What was attempted, e.g. "replace".</param>
    /// <param name="detail">
    /// The explanation when <paramref name="errorCode"/> has no standard one (the service's message,
    /// a broken rule); without either, one by status.
    /// </param>
    /// <param name="operationIndex">In a transaction, the index of the operation that failed.</param>
    public static TableStoreException Create(
        string operation, string table, string? partitionKey, string? rowKey, int status, string? errorCode, string? detail = null, Exception? innerException = null,
        int? operationIndex = null)
    {
        var message = new StringBuilder()
            .Append("Table '").Append(Show(table)).Append('\'')
            .Append(Keys(partitionKey, rowKey))
            .Append(": ").Append(operation).Append(" failed: ")
            .Append(status == 0 ? "the table service could not be reached" : string.Create(CultureInfo.InvariantCulture, $"HTTP {status}"));
        if (errorCode is not null)
        {
            message.Append(' ').Append(errorCode);
        }

        var explanation = Explain(errorCode) ?? detail ?? Explain(status);
        if (!string.IsNullOrEmpty(explanation))
        {
            message.Append(". ").Append(explanation);
        }

        return new TableStoreException(message.ToString(), table, partitionKey, rowKey, status, errorCode, innerException, operationIndex);
    }

    /// <summary>How messages name one operation of a transaction, e.g. "transaction operation 2 (replace)".</summary>
    public static string TransactionOperation(int index, TableOperationKind kind) =>
        string.Create(CultureInfo.InvariantCulture, $"transaction operation {index} ({TableTexts.Operation.Format(kind)})");

    /// <summary>A key as shown in messages: control characters escaped, long keys shortened.</summary>
    private static string Show(string key)
    {
        var shown = new StringBuilder(Math.Min(key.Length, ShownKeyLength) + 8);
        foreach (var c in key.Length > ShownKeyLength ? key[..ShownKeyLength] : key)
        {
            if (char.IsControl(c))
            {
                shown.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                shown.Append(c);
            }
        }

        if (key.Length > ShownKeyLength)
        {
            shown.Append("...");
        }

        return shown.ToString();
    }

    private static string Keys(string? partitionKey, string? rowKey) => (partitionKey, rowKey) switch
    {
        (null, null) => "",
        (_, null) => $" (PartitionKey '{Show(partitionKey)}')",
        _ => $" (PartitionKey '{Show(partitionKey ?? "")}', RowKey '{Show(rowKey)}')",
    };

    private static string? Explain(string? errorCode) => errorCode switch
    {
        TableErrorCodes.TableNotFound => "The table does not exist; create it first",
        TableErrorCodes.ResourceNotFound => "The row does not exist",
        TableErrorCodes.EntityAlreadyExists => "A row with these keys already exists",
        TableErrorCodes.UpdateConditionNotSatisfied => "The row changed since it was read (its ETag no longer matches); read it again and retry",
        TableErrorCodes.AuthenticationFailed => "The service refused the request's signature or token; check the account key or the identity",
        TableErrorCodes.AuthorizationPermissionMismatch => "The identity may not do this; it needs the 'Storage Table Data Contributor' role on the storage account",
        TableErrorCodes.AuthorizationFailure
            => "The request is not authorized; check the account key, the identity's 'Storage Table Data Contributor' role and the account's network rules",
        _ => null,
    };

    private static string Explain(int status) => status switch
    {
        0 => "Retry later",
        429 or 503 => "The service is busy; retry later",
        >= 500 => "The service failed; retry later",
        _ => "",
    };
}
