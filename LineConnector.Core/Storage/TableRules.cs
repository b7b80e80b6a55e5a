using System.Buffers;
using System.Globalization;
using System.Text;

namespace LineConnector.Core.Storage;

/// <summary>
/// Azure Table Storage's rules for table names, keys and properties, checked before anything is
/// stored so that every store refuses the same input with the same clear message (status 400).
/// </summary>
public static class TableRules
{
    /// <summary>A key may be 1 KiB, stored as UTF-16: 512 characters (Azurite checks the same).</summary>
    public const int MaxKeyLength = 512;

    /// <summary>A string property may be 64 KiB, stored as UTF-16: 32,768 characters.</summary>
    public const int MaxStringLength = 32 * 1024;

    public const int MaxBinaryLength = 64 * 1024;
    public const int MaxPropertyNameLength = 255;

    /// <summary>255 properties per entity, of which PartitionKey, RowKey and Timestamp are the system's.</summary>
    public const int MaxProperties = 252;

    public const int MaxEntityBytes = 1024 * 1024;

    /// <summary>An entity-group transaction has at most 100 operations.</summary>
    public const int MaxTransactionOperations = 100;

    /// <summary>How messages name a transaction as a whole.</summary>
    public const string Transaction = "transaction";

    /// <summary>Edm.DateTime starts at 1601-01-01 UTC.</summary>
    public static readonly DateTimeOffset MinDateTime = new(1601, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly HashSet<string> SystemProperties = new(StringComparer.Ordinal) { "PartitionKey", "RowKey", "Timestamp" };

    /// <summary>Table names: 3 to 63 letters and digits, starting with a letter; "tables" is reserved.</summary>
    public static void CheckTableName(string operation, string table)
    {
        ArgumentNullException.ThrowIfNull(table);
        string? problem = null;
        if (table.Length is < 3 or > 63)
        {
            problem = $"a table name has 3 to 63 characters, this one has {table.Length}";
        }
        else if (!char.IsAsciiLetter(table[0]) || table.AsSpan().ContainsAnyExcept(AsciiLettersAndDigits))
        {
            problem = "a table name has only the letters A-Z, a-z and the digits 0-9, and starts with a letter";
        }
        else if (table.Equals("tables", StringComparison.OrdinalIgnoreCase))
        {
            problem = "the name 'tables' is reserved";
        }

        if (problem is not null)
        {
            throw TableFailure.Create(operation, table, null, null, 400, TableErrorCodes.InvalidResourceName, $"Invalid table name: {problem}");
        }
    }

    /// <summary>Keys: at most 512 characters; no '/', '\', '#', '?' or control characters (U+0000-U+001F, U+007F-U+009F).</summary>
    /// <param name="operationIndex">In a transaction, the index of the operation checked.</param>
    public static void CheckKeys(string operation, string table, string partitionKey, string? rowKey, int? operationIndex = null)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        CheckTableName(operation, table);
        var problem = KeyProblem("PartitionKey", partitionKey) ?? (rowKey is null ? null : KeyProblem("RowKey", rowKey));
        if (problem is not null)
        {
            throw TableFailure.Create(operation, table, partitionKey, rowKey, 400, TableErrorCodes.InvalidInput, problem, operationIndex: operationIndex);
        }
    }

    /// <summary>Whether a text can be a key as it is: within the length, none of the forbidden characters, and well-formed UTF-16 (the service receives keys as UTF-8).</summary>
    public static bool IsValidKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Length > 0 && KeyProblem("key", key) is null && !HasLoneSurrogate(key);
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The bounds of a query's key ranges: each a valid key.</summary>
    public static void CheckRange(string operation, string table, TableKeyRange partitionKeys, TableKeyRange? rowKeys)
    {
        ArgumentNullException.ThrowIfNull(partitionKeys);
        CheckKeys(operation, table, partitionKeys.From, rowKeys?.From);
        if (partitionKeys.Before is not null || rowKeys?.Before is not null)
        {
            CheckKeys(operation, table, partitionKeys.Before ?? partitionKeys.From, rowKeys?.Before);
        }
    }

    /// <summary>
    /// Checks a row's keys and properties and returns its properties ready to store: nulls left out
    /// (null means absent), DateTimeOffset values in UTC.
    /// </summary>
    /// <param name="operationIndex">In a transaction, the index of the operation checked.</param>
    public static List<KeyValuePair<string, object>> CheckRow(string operation, string table, TableRow row, int? operationIndex = null)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(row.Properties);
        ArgumentNullException.ThrowIfNull(row.RowKey);
        CheckKeys(operation, table, row.PartitionKey, row.RowKey, operationIndex);

        var properties = new List<KeyValuePair<string, object>>(row.Properties.Count);
        long size = 4 + ((row.PartitionKey.Length + row.RowKey.Length) * 2L);
        foreach (var (name, value) in row.Properties)
        {
            if (value is null)
            {
                continue;
            }

            var (stored, valueSize, problem) = CheckProperty(name, value);
            if (problem is not null)
            {
                throw TableFailure.Create(operation, table, row.PartitionKey, row.RowKey, 400, problem.Value.Code, problem.Value.Message, operationIndex: operationIndex);
            }

            properties.Add(new(name, stored));
            size += 8 + (name.Length * 2L) + valueSize;
        }

        if (properties.Count > MaxProperties)
        {
            throw TableFailure.Create(operation, table, row.PartitionKey, row.RowKey, 400, TableErrorCodes.TooManyProperties,
                $"A row has at most {MaxProperties} properties besides its keys, this one has {properties.Count}", operationIndex: operationIndex);
        }

        if (size > MaxEntityBytes)
        {
            throw TableFailure.Create(operation, table, row.PartitionKey, row.RowKey, 400, TableErrorCodes.EntityTooLarge,
                string.Create(CultureInfo.InvariantCulture, $"A row may take at most {MaxEntityBytes:N0} bytes as Table Storage counts them, this one takes {size:N0}"),
                operationIndex: operationIndex);
        }

        return properties;
    }

    /// <summary>
    /// Checks an entity-group transaction: 1 to 100 operations, all on <paramref name="partitionKey"/>,
    /// each row at most once, each row valid. Returns each operation's properties ready to store
    /// (none for a delete).
    /// </summary>
    public static List<List<KeyValuePair<string, object>>> CheckTransaction(string table, string partitionKey, IReadOnlyList<TableOperation> operations)
    {
        ArgumentNullException.ThrowIfNull(operations);
        CheckKeys(Transaction, table, partitionKey, rowKey: null);
        if (operations.Count is 0 or > MaxTransactionOperations)
        {
            throw TableFailure.Create(Transaction, table, partitionKey, null, 400, TableErrorCodes.InvalidInput,
                $"A transaction has 1 to {MaxTransactionOperations} operations, this one has {operations.Count}");
        }

        var checkedOperations = new List<List<KeyValuePair<string, object>>>(operations.Count);
        var firstIndexOfRow = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < operations.Count; i++)
        {
            var operation = operations[i] ?? throw new ArgumentException($"Operation {i} of the transaction is null.", nameof(operations));
            var name = TableFailure.TransactionOperation(i, operation.Kind);
            var row = operation.Row;
            if (operation.Kind == TableOperationKind.Delete)
            {
                ArgumentNullException.ThrowIfNull(row.RowKey);
                CheckKeys(name, table, row.PartitionKey, row.RowKey, i);
                checkedOperations.Add([]);
            }
            else
            {
                checkedOperations.Add(CheckRow(name, table, row, i));
            }

            if (!string.Equals(row.PartitionKey, partitionKey, StringComparison.Ordinal))
            {
                throw TableFailure.Create(name, table, row.PartitionKey, row.RowKey, 400, TableErrorCodes.CommandsInBatchActOnDifferentPartitions,
                    "Every operation of a transaction is on the transaction's PartitionKey", operationIndex: i);
            }

            if (!firstIndexOfRow.TryAdd(row.RowKey, i))
            {
                throw TableFailure.Create(name, table, row.PartitionKey, row.RowKey, 400, TableErrorCodes.InvalidInput,
                    string.Create(CultureInfo.InvariantCulture, $"Operation {firstIndexOfRow[row.RowKey]} changes the same row; a transaction changes a row at most once"),
                    operationIndex: i);
            }
        }

        return checkedOperations;
    }

    /// <summary>Why <paramref name="key"/> cannot be a key (named <paramref name="which"/> in the reason), or null when it can.</summary>
    internal static string? KeyProblem(string which, string key)
    {
        if (key.Length > MaxKeyLength)
        {
            return $"{which} has {key.Length} characters, at most {MaxKeyLength} are allowed (1 KiB)";
        }

        for (var i = 0; i < key.Length; i++)
        {
            var c = key[i];
            if (c is '/' or '\\' or '#' or '?' || char.IsControl(c))
            {
                var shown = char.IsControl(c) ? string.Create(CultureInfo.InvariantCulture, $"U+{(int)c:X4}") : $"'{c}'";
                return $"{which} has {shown} at index {i}; keys may not contain '/', '\\', '#', '?' or control characters";
            }
        }

        return null;
    }

    // Every row written checks its table and property names: spans, not LINQ over a string, which allocates an enumerator per name.
    private static readonly SearchValues<char> AsciiLettersAndDigits = SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private static bool IsIdentifierPart(ReadOnlySpan<char> name)
    {
        foreach (var c in name)
        {
            if (!char.IsLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    /// <returns>The value to store and its size as Table Storage counts it, or the problem.</returns>
    private static (object Value, long Size, (string Code, string Message)? Problem) CheckProperty(string name, object value)
    {
        if (NameProblem(name) is { } nameProblem)
        {
            return (value, 0, (TableErrorCodes.PropertyNameInvalid, nameProblem));
        }

        return value switch
        {
            string s when s.Length > MaxStringLength
                => (value, 0, (TableErrorCodes.PropertyValueTooLarge, $"Property '{name}' has {s.Length} characters, at most {MaxStringLength} are allowed (64 KiB)")),
            string s => (s, 4 + (s.Length * 2L), null),
            byte[] b when b.Length > MaxBinaryLength
                => (value, 0, (TableErrorCodes.PropertyValueTooLarge, $"Property '{name}' has {b.Length} bytes, at most {MaxBinaryLength} are allowed (64 KiB)")),
            byte[] b => (b.ToArray(), 4 + b.Length, null),
            bool => (value, 1, null),
            int => (value, 4, null),
            long => (value, 8, null),
            double => (value, 8, null),
            Guid => (value, 16, null),
            DateTimeOffset d when d < MinDateTime
                => (value, 0, (TableErrorCodes.InvalidInput, $"Property '{name}' is {d:O}; Table Storage stores dates from 1601-01-01T00:00:00Z")),
            DateTimeOffset d => (d.ToUniversalTime(), 8, null),
            _ => (value, 0, (TableErrorCodes.InvalidInput,
                $"Property '{name}' is a {value.GetType().Name}; Table Storage stores string, bool, int, long, double, DateTimeOffset, Guid or byte[]")),
        };
    }

    private static string? NameProblem(string name)
    {
        if (SystemProperties.Contains(name))
        {
            return $"Property name '{name}' is reserved for the system; keys go in PartitionKey and RowKey of the row";
        }

        if (name.Length is 0 or > MaxPropertyNameLength)
        {
            return $"Property name '{name}' has {name.Length} characters; a name has 1 to {MaxPropertyNameLength}";
        }

        // Property names follow the rules of C# identifiers.
        if (!(char.IsLetter(name[0]) || name[0] == '_') || !IsIdentifierPart(name))
        {
            return $"Property name '{name}' is not valid; a name has letters, digits and '_' and starts with a letter or '_'";
        }

        return null;
    }
}
