namespace LineConnector.Core.Storage;

/// <summary>What one operation of a transaction does to its row.</summary>
public enum TableOperationKind
{
    /// <summary>Adds the row; fails 409 when it exists.</summary>
    Insert,

    /// <summary>Inserts or replaces, whatever is there.</summary>
    Upsert,

    /// <summary>Replaces a row whose ETag matches; 412 when it changed, 404 when missing.</summary>
    Replace,

    /// <summary>Merges the given properties into a row whose ETag matches; 412 when it changed, 404 when missing.</summary>
    Merge,

    /// <summary>Deletes a row whose ETag matches; 412 when it changed, 404 when missing.</summary>
    Delete,
}

public static class TableTexts
{
    /// <summary>How messages name an operation: <c>insert</c>, <c>replace</c>...</summary>
    public static readonly EnumText<TableOperationKind> Operation = EnumText.Kebab<TableOperationKind>();
}

/// <summary>
/// One operation of an entity-group transaction (<see cref="ITableStore.SubmitTransactionAsync"/>):
/// the row it writes (only the keys for a delete) and, for replace, merge and delete, the ETag the
/// row must still have ("*": any).
/// </summary>
public sealed class TableOperation
{
    private TableOperation(TableOperationKind kind, TableRow row, string? ifMatch)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (kind is TableOperationKind.Replace or TableOperationKind.Merge or TableOperationKind.Delete)
        {
            ArgumentException.ThrowIfNullOrEmpty(ifMatch);
        }

        Kind = kind;
        Row = row;
        IfMatch = ifMatch;
    }

    public TableOperationKind Kind { get; }

    public TableRow Row { get; }

    /// <summary>The ETag condition of replace, merge and delete; null for insert and upsert.</summary>
    public string? IfMatch { get; }

    public static TableOperation Insert(TableRow row) => new(TableOperationKind.Insert, row, null);

    public static TableOperation Upsert(TableRow row) => new(TableOperationKind.Upsert, row, null);

    public static TableOperation Replace(TableRow row, string ifMatch) => new(TableOperationKind.Replace, row, ifMatch);

    public static TableOperation Merge(TableRow row, string ifMatch) => new(TableOperationKind.Merge, row, ifMatch);

    public static TableOperation Delete(string partitionKey, string rowKey, string ifMatch) =>
        new(TableOperationKind.Delete, new TableRow(partitionKey, rowKey, new Dictionary<string, object?>()), ifMatch);
}
