namespace LineConnector.Core.Media;

/// <summary>What a format reader finds, filled in as it reads.</summary>
internal sealed class ProbeFindings
{
    public MediaKind Kind { get; set; }

    public string? Container { get; set; }

    public string? VideoCodec { get; set; }

    public List<string> AudioCodecs { get; } = [];

    public long? DurationMs { get; set; }

    public List<string> Problems { get; } = [];

    public MediaFetchFailure? FetchFailure { get; set; }

    public MediaProbeResult ToResult(long? sizeBytes, IMediaSource? source) => new(
        Kind,
        Container,
        VideoCodec,
        AudioCodecs.ToArray(),
        AudioCodecs.Count,
        DurationMs,
        sizeBytes,
        Problems.ToArray(),
        FetchFailure,
        source?.BytesRead ?? 0,
        source?.Requests ?? 0);
}
