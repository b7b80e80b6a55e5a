using LineConnector.Core.Media;

namespace LineConnector.Tests.Media;

/// <summary>The media files made by <c>Fixtures/Media/make-fixtures.sh</c>.</summary>
internal static class MediaFixtures
{
    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Media");

    public static string PathOf(string name) => Path.Combine(Directory, name);

    public static byte[] Bytes(string name) => File.ReadAllBytes(PathOf(name));

    public static async Task<MediaProbeResult> ProbeAsync(byte[] bytes)
    {
        await using var source = new MemoryMediaSource(bytes);
        return await MediaProbe.ProbeAsync(source, CancellationToken.None);
    }
}

/// <summary>Media held in memory, counting reads like a real source.</summary>
internal sealed class MemoryMediaSource(byte[] bytes) : IMediaSource
{
    public long Length => bytes.LongLength;

    public long BytesRead { get; private set; }

    public int Requests { get; private set; }

    public ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        Requests++;
        var count = (int)Math.Clamp(bytes.LongLength - offset, 0, buffer.Length);
        bytes.AsSpan((int)offset, count).CopyTo(buffer.Span);
        BytesRead += count;
        return ValueTask.FromResult(count);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
