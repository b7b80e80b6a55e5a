using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace LineConnector.Functions.LocalMode;

/// <summary>
/// A table row's properties as <see cref="SqliteTableStore"/> stores them: each name followed by a type tag and
/// the value, little-endian, so that every Table Storage type (also NaN, infinities and the exact ticks of a
/// date) reads back as the same type and value.
/// </summary>
internal static class StoredProperties
{
    private enum Tag : byte
    {
        String = 1,
        Bool = 2,
        Int = 3,
        Long = 4,
        Double = 5,
        DateTime = 6,
        Guid = 7,
        Bytes = 8,
    }

    /// <param name="properties">Checked and normalized by <see cref="Core.Storage.TableRules.CheckRow"/>: no nulls, dates in UTC.</param>
    public static byte[] Write(IReadOnlyList<KeyValuePair<string, object>> properties)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        WriteInt(buffer, properties.Count);
        foreach (var (name, value) in properties)
        {
            WriteString(buffer, name);
            switch (value)
            {
                case string s:
                    WriteTag(buffer, Tag.String);
                    WriteString(buffer, s);
                    break;
                case bool b:
                    WriteTag(buffer, Tag.Bool);
                    WriteByte(buffer, b ? (byte)1 : (byte)0);
                    break;
                case int i:
                    WriteTag(buffer, Tag.Int);
                    WriteInt(buffer, i);
                    break;
                case long l:
                    WriteTag(buffer, Tag.Long);
                    WriteLong(buffer, l);
                    break;
                case double d:
                    WriteTag(buffer, Tag.Double);
                    WriteLong(buffer, BitConverter.DoubleToInt64Bits(d));
                    break;
                case DateTimeOffset t:
                    WriteTag(buffer, Tag.DateTime);
                    WriteLong(buffer, t.UtcTicks);
                    break;
                case Guid g:
                    WriteTag(buffer, Tag.Guid);
                    g.TryWriteBytes(buffer.GetSpan(16));
                    buffer.Advance(16);
                    break;
                case byte[] bytes:
                    WriteTag(buffer, Tag.Bytes);
                    WriteInt(buffer, bytes.Length);
                    buffer.Write(bytes);
                    break;
                default:
                    throw new ArgumentException($"Property '{name}' has a type the table rules refuse: {value.GetType().Name}.", nameof(properties));
            }
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static Dictionary<string, object?> Read(ReadOnlySpan<byte> stored)
    {
        var count = ReadInt(ref stored);
        var properties = new Dictionary<string, object?>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var name = ReadString(ref stored);
            var tag = (Tag)stored[0];
            stored = stored[1..];
            object value;
            switch (tag)
            {
                case Tag.String:
                    value = ReadString(ref stored);
                    break;
                case Tag.Bool:
                    value = stored[0] != 0;
                    stored = stored[1..];
                    break;
                case Tag.Int:
                    value = ReadInt(ref stored);
                    break;
                case Tag.Long:
                    value = ReadLong(ref stored);
                    break;
                case Tag.Double:
                    value = BitConverter.Int64BitsToDouble(ReadLong(ref stored));
                    break;
                case Tag.DateTime:
                    value = new DateTimeOffset(ReadLong(ref stored), TimeSpan.Zero);
                    break;
                case Tag.Guid:
                    value = new Guid(stored[..16]);
                    stored = stored[16..];
                    break;
                case Tag.Bytes:
                    var length = ReadInt(ref stored);
                    value = stored[..length].ToArray();
                    stored = stored[length..];
                    break;
                default:
                    throw new InvalidDataException($"A stored row has property '{name}' of an unknown type ({(byte)tag}); the local store is damaged.");
            }

            properties[name] = value;
        }

        return properties;
    }

    private static void WriteTag(ArrayBufferWriter<byte> buffer, Tag tag) => WriteByte(buffer, (byte)tag);

    private static void WriteByte(ArrayBufferWriter<byte> buffer, byte value)
    {
        buffer.GetSpan(1)[0] = value;
        buffer.Advance(1);
    }

    private static void WriteInt(ArrayBufferWriter<byte> buffer, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(buffer.GetSpan(4), value);
        buffer.Advance(4);
    }

    private static void WriteLong(ArrayBufferWriter<byte> buffer, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(buffer.GetSpan(8), value);
        buffer.Advance(8);
    }

    private static void WriteString(ArrayBufferWriter<byte> buffer, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteInt(buffer, length);
        Encoding.UTF8.GetBytes(value, buffer.GetSpan(length));
        buffer.Advance(length);
    }

    private static int ReadInt(ref ReadOnlySpan<byte> stored)
    {
        var value = BinaryPrimitives.ReadInt32LittleEndian(stored);
        stored = stored[4..];
        return value;
    }

    private static long ReadLong(ref ReadOnlySpan<byte> stored)
    {
        var value = BinaryPrimitives.ReadInt64LittleEndian(stored);
        stored = stored[8..];
        return value;
    }

    private static string ReadString(ref ReadOnlySpan<byte> stored)
    {
        var length = ReadInt(ref stored);
        var value = Encoding.UTF8.GetString(stored[..length]);
        stored = stored[length..];
        return value;
    }
}
