using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using LineConnector.Core.Media;

namespace LineConnector.Tests.Media;

/// <summary>
/// The media probe against seeded mutations of real media (the fixtures, made by ffmpeg) and of
/// headers built here, some served as if the file declared a length near 2^60 bytes. Every case must
/// end in a result without an unforeseen exception, with a duration that is absent or not negative,
/// within the probe's read budget, in at most 100 ms. CI runs <see cref="DefaultCases"/> cases;
/// <c>scripts/fuzz-media.sh</c> runs more (<see cref="CasesVariable"/>, <see cref="SeedVariable"/>).
/// </summary>
public class MediaProbeFuzzTests
{
    public const string CasesVariable = "LINECONNECTOR_MEDIA_FUZZ_CASES";
    public const string SeedVariable = "LINECONNECTOR_MEDIA_FUZZ_SEED";
    public const int DefaultCases = 20_000;
    public const int DefaultSeed = 20_260_601;

    /// <summary>The most one case may take. A case over it is timed twice more and judged by its fastest run, so that a pause of the machine is not taken for the probe's.</summary>
    public static readonly TimeSpan MaxCaseTime = TimeSpan.FromMilliseconds(100);

    private static readonly ulong[] Interesting64 = [0, 1, 0x7F, 0x80, 0xFF, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 1UL << 32, 1UL << 60, (1UL << 60) + 1, long.MaxValue, ulong.MaxValue];

    [Fact]
    public async Task Mutated_media_never_break_the_probe()
    {
        var cases = int.TryParse(Environment.GetEnvironmentVariable(CasesVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : DefaultCases;
        var seed = int.TryParse(Environment.GetEnvironmentVariable(SeedVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : DefaultSeed;
        var seeds = Seeds();
        var slowest = TimeSpan.Zero;
        var failures = new List<string>();

        for (var i = 0; i < cases && failures.Count < 10; i++)
        {
            var random = new Random(HashCode.Combine(seed, i));
            var (bytes, declared, steps) = Mutate(random, seeds);
            var (result, elapsed, error) = await TimedProbeAsync(bytes, declared);
            if (elapsed > MaxCaseTime)
            {
                // Judged by the fastest of three runs.
                for (var again = 0; again < 2 && elapsed > MaxCaseTime; again++)
                {
                    var retry = await TimedProbeAsync(bytes, declared);
                    elapsed = retry.Elapsed < elapsed ? retry.Elapsed : elapsed;
                }
            }

            slowest = elapsed > slowest ? elapsed : slowest;
            var problem = error is not null ? $"threw {error.GetType().Name}: {error.Message}"
                : result!.Problems.FirstOrDefault(p => p.StartsWith("the file could not be parsed", StringComparison.Ordinal)) is { } unforeseen ? unforeseen
                : result.DurationMs < 0 ? $"duration {result.DurationMs} ms"
                : result.BytesRead > ProbeReader.MaxBytes ? $"read {result.BytesRead} bytes"
                : elapsed > MaxCaseTime ? $"took {elapsed.TotalMilliseconds:0.#} ms"
                : null;
            if (problem is not null)
            {
                failures.Add($"case {i} (seed {seed}; {string.Join(", ", steps)}; {bytes.Length} bytes declared as {declared}): {problem}");
            }
        }

        failures.Should().BeEmpty($"the probe must survive every mutation (the slowest case took {slowest.TotalMilliseconds:0.#} ms)");
    }

    [Theory]
    [InlineData("audio.mp3")]
    [InlineData("audio.wav")]
    [InlineData("audio.aac")]
    [InlineData("audio-vorbis.ogg")]
    [InlineData("audio-aac.m4a")]
    public async Task A_declared_length_near_2_to_the_60_gives_no_negative_duration(string name)
    {
        foreach (var declared in new[] { (1L << 60) - 1, 1L << 60, (1L << 60) + 4097, long.MaxValue })
        {
            var (result, _, error) = await TimedProbeAsync(MediaFixtures.Bytes(name), declared);

            error.Should().BeNull();
            (result!.DurationMs ?? 0).Should().BeGreaterThanOrEqualTo(0, $"{name} declared as {declared} bytes");
            result.Problems.Should().NotContain(p => p.StartsWith("the file could not be parsed", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_streamed_wav_as_long_as_2_to_the_60_is_refused_for_its_impossible_duration()
    {
        var wav = Wav(dataSize: uint.MaxValue, byteRate: 1);

        var (result, _, _) = await TimedProbeAsync(wav, 1L << 60);

        result!.DurationMs.Should().BeNull();
        result.Problems.Should().ContainSingle().Which.Should().Contain("impossible duration");
    }

    private static async Task<(MediaProbeResult? Result, TimeSpan Elapsed, Exception? Error)> TimedProbeAsync(byte[] bytes, long declared)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            await using var source = new DeclaredLengthSource(bytes, declared);
            var result = await MediaProbe.ProbeAsync(source, CancellationToken.None);
            return (result, watch.Elapsed, null);
        }
        catch (Exception e)
        {
            return (null, watch.Elapsed, e);
        }
    }

    private static List<(string Name, byte[] Bytes)> Seeds()
    {
        var seeds = Directory.GetFiles(MediaFixtures.Directory)
            .Where(f => !f.EndsWith(".sh", StringComparison.Ordinal))
            .Select(f => (Path.GetFileName(f), File.ReadAllBytes(f)))
            .ToList();
        seeds.Add(("wav-streamed", Wav(dataSize: uint.MaxValue, byteRate: 176_400)));
        seeds.Add(("wav-tiny-rate", Wav(dataSize: 0, byteRate: 1)));
        seeds.Add(("mp3-cbr", Mp3Frames(8)));
        return seeds;
    }

    /// <summary>A mutation of one seed (sometimes spliced with another), its declared length, and the steps taken, for the failure message.</summary>
    private static (byte[] Bytes, long Declared, List<string> Steps) Mutate(Random random, List<(string Name, byte[] Bytes)> seeds)
    {
        var (name, original) = seeds[random.Next(seeds.Count)];
        var bytes = new List<byte>(original);
        var steps = new List<string> { name };
        var count = random.Next(1, 9);
        for (var step = 0; step < count && bytes.Count > 0; step++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(9))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    steps.Add($"flip@{at}");
                    break;
                case 1:
                    bytes[at] = (byte)Interesting64[random.Next(5)];
                    steps.Add($"byte@{at}");
                    break;
                case 2:
                    Overwrite(bytes, at, (uint)Interesting64[random.Next(10)], 4, random.Next(2) == 0);
                    steps.Add($"u32@{at}");
                    break;
                case 3:
                    Overwrite(bytes, at, Interesting64[random.Next(Interesting64.Length)], 8, random.Next(2) == 0);
                    steps.Add($"u64@{at}");
                    break;
                case 4:
                    bytes.RemoveRange(at, bytes.Count - at);
                    steps.Add($"cut@{at}");
                    break;
                case 5:
                    var removed = random.Next(1, Math.Min(512, bytes.Count - at) + 1);
                    bytes.RemoveRange(at, removed);
                    steps.Add($"delete {removed}@{at}");
                    break;
                case 6:
                    var inserted = new byte[random.Next(1, 64)];
                    random.NextBytes(inserted);
                    bytes.InsertRange(at, inserted);
                    steps.Add($"insert {inserted.Length}@{at}");
                    break;
                case 7:
                    var length = random.Next(1, Math.Min(256, bytes.Count - at) + 1);
                    bytes.InsertRange(random.Next(bytes.Count), bytes.GetRange(at, length));
                    steps.Add($"repeat {length}@{at}");
                    break;
                default:
                    var (otherName, other) = seeds[random.Next(seeds.Count)];
                    var from = random.Next(other.Length);
                    bytes.RemoveRange(at, bytes.Count - at);
                    bytes.AddRange(other.AsSpan(from).ToArray());
                    steps.Add($"splice@{at} {otherName}@{from}");
                    break;
            }
        }

        var declared = random.Next(10) switch
        {
            0 => (1L << 60) + random.Next(-4096, 4097),
            1 => bytes.Count + (long)random.Next(1, 1 << 30),
            _ => bytes.Count,
        };
        if (declared != bytes.Count)
        {
            steps.Add($"declared {declared}");
        }

        return ([.. bytes], declared, steps);
    }

    private static void Overwrite(List<byte> bytes, int at, ulong value, int size, bool bigEndian)
    {
        Span<byte> field = stackalloc byte[8];
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt64BigEndian(field, value);
            field = field[(8 - size)..];
        }
        else
        {
            BinaryPrimitives.WriteUInt64LittleEndian(field, value);
            field = field[..size];
        }

        for (var i = 0; i < size && at + i < bytes.Count; i++)
        {
            bytes[at + i] = field[i];
        }
    }

    /// <summary>A WAV header whose 'data' chunk declares <paramref name="dataSize"/> (0 or 0xFFFFFFFF: streamed, to the end), and a few samples.</summary>
    private static byte[] Wav(uint dataSize, uint byteRate)
    {
        var wav = new byte[44 + 64];
        "RIFF"u8.CopyTo(wav);
        BinaryPrimitives.WriteUInt32LittleEndian(wav.AsSpan(4), uint.MaxValue);
        "WAVEfmt "u8.CopyTo(wav.AsSpan(8));
        BinaryPrimitives.WriteUInt32LittleEndian(wav.AsSpan(16), 16);
        BinaryPrimitives.WriteUInt16LittleEndian(wav.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(wav.AsSpan(22), 2);
        BinaryPrimitives.WriteUInt32LittleEndian(wav.AsSpan(24), 44_100);
        BinaryPrimitives.WriteUInt32LittleEndian(wav.AsSpan(28), byteRate);
        BinaryPrimitives.WriteUInt16LittleEndian(wav.AsSpan(32), 4);
        BinaryPrimitives.WriteUInt16LittleEndian(wav.AsSpan(34), 16);
        "data"u8.CopyTo(wav.AsSpan(36));
        BinaryPrimitives.WriteUInt32LittleEndian(wav.AsSpan(40), dataSize);
        return wav;
    }

    /// <summary>MPEG-1 Layer III frames at 128 kbit/s, 44.1 kHz, without a Xing header: a constant bit rate stream.</summary>
    private static byte[] Mp3Frames(int frames)
    {
        // 144 * 128000 / 44100 = 417 bytes per frame without padding.
        var frame = new byte[417];
        frame[0] = 0xFF;
        frame[1] = 0xFB;
        frame[2] = 0x90;
        frame[3] = 0x64;
        return [.. Enumerable.Repeat(frame, frames).SelectMany(f => f)];
    }

    /// <summary>Bytes in memory served as a file that declares <paramref name="declared"/> bytes (an HTTP server may claim any length); past the bytes, zeros.</summary>
    private sealed class DeclaredLengthSource(byte[] bytes, long declared) : IMediaSource
    {
        public long Length => declared;

        public long BytesRead { get; private set; }

        public int Requests { get; private set; }

        public ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
        {
            Requests++;
            var count = (int)Math.Clamp(declared - offset, 0, buffer.Length);
            var real = (int)Math.Clamp(bytes.LongLength - offset, 0, count);
            bytes.AsSpan((int)Math.Min(offset, bytes.Length), real).CopyTo(buffer.Span);
            buffer.Span[real..count].Clear();
            BytesRead += count;
            return ValueTask.FromResult(count);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
