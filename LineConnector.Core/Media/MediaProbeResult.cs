namespace LineConnector.Core.Media;

public enum MediaKind
{
    Unknown,
    Image,
    Audio,
    Video,
}

public static class MediaTexts
{
    /// <summary>How reasons and the command line name a kind of media: <c>image</c>, <c>audio</c>...</summary>
    public static readonly EnumText<MediaKind> Kind = EnumText.Kebab<MediaKind>();
}

/// <summary>
/// What the bytes of a media file are. <see cref="Problems"/> lists why the file cannot be used
/// whatever it is for (malformed, truncated, unreadable); the limits of a use are in <see cref="MediaRules"/>.
/// </summary>
/// <param name="Container">png, jpeg, gif, webp, heic, avif, mp4, m4a, 3gp, mov, mp3, mpeg, wav, aac (ADTS), ogg...; null when not recognised.</param>
/// <param name="VideoCodec">h264, hevc, mpeg4, vp9, av1...; null without a video track.</param>
/// <param name="AudioCodecs">One entry per audio stream: aac, mp3, mp2, pcm, vorbis, opus...</param>
/// <param name="SizeBytes">Null when the media could not be reached.</param>
/// <param name="FetchFailure">Set when the bytes could not be read, and says whether a rule forbids it or trying again may help.</param>
/// <param name="BytesRead">Bytes the probe took from the file or network.</param>
/// <param name="Requests">File reads or HTTP requests the probe made.</param>
public sealed record MediaProbeResult(
    MediaKind Kind,
    string? Container,
    string? VideoCodec,
    IReadOnlyList<string> AudioCodecs,
    int AudioStreams,
    long? DurationMs,
    long? SizeBytes,
    IReadOnlyList<string> Problems,
    MediaFetchFailure? FetchFailure,
    long BytesRead,
    int Requests);
