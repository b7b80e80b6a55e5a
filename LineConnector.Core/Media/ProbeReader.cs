using System.Buffers.Binary;
using System.Globalization;

namespace LineConnector.Core.Media;

/// <summary>
/// The probe's view of a media source: reads clamped to the end of the file and a budget of
/// bytes and structures, so that malformed, self-looping or absurd files end in bounded time and memory.
/// A reader ends a probe with a reason by throwing <see cref="InvalidDataException"/>: the bytes are not
/// what they claim, or the probe's budget ran out.
/// </summary>
internal sealed class ProbeReader(IMediaSource source, CancellationToken cancellationToken)
{
    /// <summary>The most bytes one probe may read (the largest single read is 1 MiB).</summary>
    public const long MaxBytes = 8L * 1024 * 1024;

    /// <summary>The most boxes, chunks, pages or frames one probe may visit.</summary>
    public const int MaxStructures = 20_000;

    /// <summary>Small reads are served from a window of this size.</summary>
    private const int WindowBytes = 16 * 1024;

    private long _bytesLeft = MaxBytes;
    private long _windowStart;
    private byte[] _window = [];
    private int _structuresLeft = MaxStructures;

    public long Length => source.Length;

    /// <summary>Reads up to <paramref name="count"/> bytes at <paramref name="offset"/>; fewer only at the end of the file.</summary>
    public async ValueTask<byte[]> ReadAsync(long offset, int count)
    {
        if (offset < 0 || offset >= Length || count <= 0)
        {
            return [];
        }

        var wanted = (int)Math.Min(count, Length - offset);
        if (offset < _windowStart || offset + wanted > _windowStart + _window.Length)
        {
            if (wanted >= WindowBytes)
            {
                return await ReadSourceAsync(offset, wanted);
            }

            // Box and frame headers are read a few bytes at a time: one read serves the neighbours.
            _window = await ReadSourceAsync(offset, (int)Math.Min(WindowBytes, Length - offset));
            _windowStart = offset;
        }

        var from = (int)(offset - _windowStart);
        return _window.AsSpan(from, Math.Min(wanted, _window.Length - from)).ToArray();
    }

    private async ValueTask<byte[]> ReadSourceAsync(long offset, int count)
    {
        if (count > _bytesLeft)
        {
            throw new InvalidDataException(Invariant($"the probe would read more than {MaxBytes:N0} bytes without reaching a verdict"));
        }

        _bytesLeft -= count;
        var buffer = new byte[count];
        var read = await source.ReadAsync(offset, buffer, cancellationToken);
        return read == count ? buffer : buffer[..read];
    }

    /// <summary>Counts one structure against the budget (call once per box, chunk, page or frame visited).</summary>
    public void Visit()
    {
        if (--_structuresLeft < 0)
        {
            throw new InvalidDataException(Invariant($"the file has more than {MaxStructures:N0} boxes, chunks or frames to walk"));
        }
    }

    public static uint U32BE(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt32BigEndian(b[at..]);

    public static ulong U64BE(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt64BigEndian(b[at..]);

    public static ushort U16BE(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt16BigEndian(b[at..]);

    public static uint U32LE(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b[at..]);

    public static ushort U16LE(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt16LittleEndian(b[at..]);

    public static ulong U64LE(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt64LittleEndian(b[at..]);

    /// <summary>Four bytes as text for messages; bytes outside printable ASCII shown as \xNN.</summary>
    public static string FourCc(ReadOnlySpan<byte> b)
    {
        var text = new System.Text.StringBuilder(4);
        foreach (var c in b[..4])
        {
            if (c is >= 0x20 and < 0x7F)
            {
                text.Append((char)c);
            }
            else
            {
                text.Append(CultureInfo.InvariantCulture, $"\\x{c:X2}");
            }
        }

        return text.ToString();
    }

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// <paramref name="units"/> at <paramref name="unitsPerSecond"/> in milliseconds, computed without
    /// overflow: a duration beyond what a <see cref="long"/> holds (a declared length near 2^60 bytes,
    /// a rate of 1) is no media, and ends the probe with <paramref name="what"/> named.
    /// </summary>
    public static long Milliseconds(UInt128 units, ulong unitsPerSecond, string what)
    {
        if (unitsPerSecond == 0)
        {
            throw new InvalidDataException($"{what} declares a rate of 0");
        }

        var ms = units * 1000 / unitsPerSecond;
        return ms <= long.MaxValue
            ? (long)ms
            : throw new InvalidDataException($"{what} declares an impossible duration");
    }
}
