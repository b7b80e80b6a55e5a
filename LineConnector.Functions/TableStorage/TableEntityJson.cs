using System.Buffers;
using System.Globalization;
using System.Text.Json;
using LineConnector.Core.Storage;

namespace LineConnector.Functions.TableStorage;

/// <summary>
/// Entities in the Table service's JSON (OData v3, minimal metadata). An entity's properties are
/// whatever the row has, so they are written and read with Utf8JsonWriter/JsonDocument rather
/// than a serializer type. Types JSON cannot say are annotated (<c>"Name@odata.type":"Edm.Int64"</c>);
/// unannotated integers are Edm.Int32 and numbers with a fraction or exponent Edm.Double.
/// </summary>
internal static class TableEntityJson
{
    private const string TypeSuffix = "@odata.type";
    private const string PartitionKey = "PartitionKey";
    private const string RowKey = "RowKey";

    /// <summary>Properties written by the service, not the connector: left out of rows.</summary>
    private const string Timestamp = "Timestamp";

    private const string ETagProperty = "odata.etag";

    public static ReadOnlyMemory<byte> Write(string partitionKey, string rowKey, IReadOnlyList<KeyValuePair<string, object>> properties)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString(PartitionKey, partitionKey);
            writer.WriteString(RowKey, rowKey);
            foreach (var (name, value) in properties)
            {
                WriteProperty(writer, name, value);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }

    /// <summary>Reads one entity; throws <see cref="FormatException"/> naming the property the service sent in a form this does not read.</summary>
    public static TableRow Read(JsonElement entity, string? etag)
    {
        string? partitionKey = null;
        string? rowKey = null;
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in entity.EnumerateObject())
        {
            if (property.Name.EndsWith(TypeSuffix, StringComparison.Ordinal) && property.Value.ValueKind == JsonValueKind.String)
            {
                types[property.Name[..^TypeSuffix.Length]] = property.Value.GetString()!;
            }
        }

        var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in entity.EnumerateObject())
        {
            var name = property.Name;
            switch (name)
            {
                case PartitionKey:
                    partitionKey = property.Value.GetString();
                    continue;
                case RowKey:
                    rowKey = property.Value.GetString();
                    continue;
                case ETagProperty:
                    etag ??= property.Value.GetString();
                    continue;
                case Timestamp:
                    continue;
            }

            if (name.StartsWith("odata.", StringComparison.Ordinal) || name.EndsWith(TypeSuffix, StringComparison.Ordinal)
                || property.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            properties[name] = ReadValue(name, property.Value, types.GetValueOrDefault(name));
        }

        if (partitionKey is null || rowKey is null)
        {
            throw new FormatException("An entity in the service's answer has no PartitionKey or RowKey.");
        }

        return new TableRow(partitionKey, rowKey, properties, etag);
    }

    private static void WriteProperty(Utf8JsonWriter writer, string name, object value)
    {
        switch (value)
        {
            case string s:
                writer.WriteString(name, s);
                break;
            case bool b:
                writer.WriteBoolean(name, b);
                break;
            case int i:
                writer.WriteNumber(name, i);
                break;
            case long l:
                // Int64 travels as a string: JSON numbers lose precision beyond 2^53 in many readers.
                writer.WriteString(name + TypeSuffix, "Edm.Int64");
                writer.WriteString(name, l.ToString(CultureInfo.InvariantCulture));
                break;
            case double d:
                // Annotated, or an integral value such as 3.0 would be stored as Edm.Int32.
                writer.WriteString(name + TypeSuffix, "Edm.Double");
                if (double.IsFinite(d))
                {
                    writer.WriteNumber(name, d);
                }
                else
                {
                    writer.WriteString(name, double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
                }

                break;
            case DateTimeOffset t:
                writer.WriteString(name + TypeSuffix, "Edm.DateTime");
                writer.WriteString(name, t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
                break;
            case Guid g:
                writer.WriteString(name + TypeSuffix, "Edm.Guid");
                writer.WriteString(name, g.ToString("D"));
                break;
            case byte[] bytes:
                writer.WriteString(name + TypeSuffix, "Edm.Binary");
                writer.WriteBase64String(name, bytes);
                break;
            default:
                // TableRules.CheckRow admits only the types above.
                throw new ArgumentException($"Property '{name}' has a type Table Storage does not store: {value.GetType().Name}.", nameof(value));
        }
    }

    private static object ReadValue(string name, JsonElement value, string? type)
    {
        try
        {
            return (type, value.ValueKind) switch
            {
                (null or "Edm.String", JsonValueKind.String) => value.GetString()!,
                (null or "Edm.Boolean", JsonValueKind.True or JsonValueKind.False) => value.GetBoolean(),
                (null, JsonValueKind.Number) => IsIntegral(value) && value.TryGetInt32(out var i) ? (object)i : value.GetDouble(),
                ("Edm.Int32", JsonValueKind.Number) => value.GetInt32(),
                ("Edm.Int64", JsonValueKind.String) => long.Parse(value.GetString()!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
                ("Edm.Int64", JsonValueKind.Number) => value.GetInt64(),
                ("Edm.Double", JsonValueKind.Number) => value.GetDouble(),
                ("Edm.Double", JsonValueKind.String) => value.GetString() switch
                {
                    "NaN" => double.NaN,
                    "Infinity" => double.PositiveInfinity,
                    "-Infinity" => double.NegativeInfinity,
                    var s => double.Parse(s!, NumberStyles.Float, CultureInfo.InvariantCulture),
                },
                ("Edm.DateTime", JsonValueKind.String) => DateTimeOffset.Parse(
                    value.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                ("Edm.Guid", JsonValueKind.String) => Guid.Parse(value.GetString()!, CultureInfo.InvariantCulture),
                ("Edm.Binary", JsonValueKind.String) => value.GetBytesFromBase64(),
                _ => throw new FormatException($"Property '{name}' is {type ?? "untyped"} {value.ValueKind}, which is not a Table Storage value."),
            };
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or OverflowException)
        {
            throw new FormatException($"Property '{name}' ({type ?? "untyped"}) could not be read: {e.Message}", e);
        }
    }

    private static bool IsIntegral(JsonElement number) => number.GetRawText().AsSpan().IndexOfAny('.', 'e', 'E') < 0;
}
