using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using LineConnector.Core.Media;

namespace LineConnector.Benchmarks;

/// <summary>
/// The media probe on files: time and allocations per probe, and the bytes and reads it takes
/// from the file. The committed fixtures are always measured; <c>LINECONNECTOR_BENCH_MEDIA</c>
/// may name a folder of larger files (scripts/bench-probe-vs-ffprobe.sh makes some).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ProbeColumns))]
public class MediaProbeBenchmarks
{
    public const string ExtraMediaVariable = "LINECONNECTOR_BENCH_MEDIA";

    private static readonly string[] Fixtures =
    [
        "image.jpg",
        "video-h264-aac.mp4",
        "video-h264-aac-moov-at-end.mp4",
        "audio-aac.m4a",
        "audio.mp3",
        "audio.wav",
        "audio-vorbis.ogg",
    ];

    [ParamsSource(nameof(Files))]
    public string File { get; set; } = string.Empty;

    public static IEnumerable<string> Files =>
        Fixtures.Concat(Environment.GetEnvironmentVariable(ExtraMediaVariable) is { Length: > 0 } extra && Directory.Exists(extra)
            ? Directory.EnumerateFiles(extra).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)
            : []);

    [Benchmark]
    public async Task<MediaProbeResult> Probe() => await ProbeAsync(File);

    internal static async Task<MediaProbeResult> ProbeAsync(string file)
    {
        await using var source = FileMediaSource.Open(PathOf(file));
        return await MediaProbe.ProbeAsync(source, CancellationToken.None);
    }

    internal static string PathOf(string file)
    {
        if (Environment.GetEnvironmentVariable(ExtraMediaVariable) is { Length: > 0 } extra && System.IO.File.Exists(Path.Combine(extra, file)))
        {
            return Path.Combine(extra, file);
        }

        // Benchmarks run from a generated folder below the project: look upwards for the fixtures.
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "LineConnector.Tests", "Fixtures", "Media", file);
            if (System.IO.File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"Media fixture {file} not found above {AppContext.BaseDirectory}.");
    }

    private sealed class ProbeColumns : ManualConfig
    {
        public ProbeColumns()
        {
            AddColumn(new ProbeColumn("Size (bytes)", p => new FileInfo(PathOf(p.File)).Length));
            AddColumn(new ProbeColumn("Bytes read", p => p.Result.BytesRead));
            AddColumn(new ProbeColumn("Reads", p => p.Result.Requests));
            WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(40));
        }
    }

    /// <summary>A column computed by probing the case's file once, outside the measurement.</summary>
    private sealed class ProbeColumn(string name, Func<(string File, MediaProbeResult Result), long> value) : IColumn
    {
        public string Id => $"{nameof(ProbeColumn)}.{name}";

        public string ColumnName => name;

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => $"{name} of the file, by one probe outside the measurement";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var file = (string)benchmarkCase.Parameters[nameof(File)];
            var result = ProbeAsync(file).GetAwaiter().GetResult();
            return value((file, result)).ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
