using System.Globalization;

namespace LineConnector.Core.Media;

/// <summary>What a piece of media is sent as in a LINE message.</summary>
public enum MediaUse
{
    Image,
    ImagePreview,
    Video,
    Audio,
}

/// <summary>
/// The channel's limits on media (DESIGN §5, Outbound limits), stricter than LINE's where they
/// differ: sizes in decimal megabytes, containers and codecs LINE plays as sent. Formats LINE
/// cannot play as sent are refused with the conversion they need.
/// </summary>
public static class MediaRules
{
    public const long MaxImageBytes = 10_000_000;
    public const long MaxPreviewBytes = 1_000_000;
    public const long MaxVideoBytes = 200_000_000;
    public const long MaxAudioBytes = 200_000_000;

    /// <summary>The use a file of this kind has on its own (the command line's check).</summary>
    public static MediaUse? UseFor(MediaKind kind) => kind switch
    {
        MediaKind.Image => MediaUse.Image,
        MediaKind.Video => MediaUse.Video,
        MediaKind.Audio => MediaUse.Audio,
        _ => null,
    };

    /// <summary>Every reason the media cannot be sent as <paramref name="use"/> (the probe's problems first); empty when it can.</summary>
    /// <param name="remuxesAdts">AAC in ADTS is remuxed to M4A before it leaves (<see cref="AudioRemux"/>), so it passes.</param>
    public static IReadOnlyList<string> Check(MediaProbeResult probe, MediaUse? use, bool remuxesAdts = false)
    {
        ArgumentNullException.ThrowIfNull(probe);
        var reasons = new List<string>(probe.Problems);
        if (probe.SizeBytes is null)
        {
            return reasons;
        }

        switch (use)
        {
            case MediaUse.Image or MediaUse.ImagePreview:
                CheckImage(probe, use.Value, reasons);
                break;
            case MediaUse.Video:
                CheckVideo(probe, reasons);
                break;
            case MediaUse.Audio:
                CheckAudio(probe, remuxesAdts, reasons);
                break;
            default:
                reasons.Add(probe.Container is { } container
                    ? $"{Name(container)} is not an image, video or audio format LINE accepts"
                    : "the file is not an image, video or audio LINE accepts");
                break;
        }

        return reasons.Distinct().ToList();
    }

    private static void CheckImage(MediaProbeResult probe, MediaUse use, List<string> reasons)
    {
        var what = use == MediaUse.ImagePreview ? "the preview image" : "the image";
        if (probe.Kind != MediaKind.Image)
        {
            reasons.Add($"{what} is not an image ({Describe(probe)}); LINE shows PNG or JPEG");
        }
        else if (probe.Container is not ("png" or "jpeg"))
        {
            reasons.Add($"{what} is {Name(probe.Container)}; LINE shows PNG or JPEG only: convert it to PNG or JPEG");
        }

        Size(probe, use == MediaUse.ImagePreview ? MaxPreviewBytes : MaxImageBytes, what, reasons);
    }

    private static void CheckVideo(MediaProbeResult probe, List<string> reasons)
    {
        if (probe.Kind != MediaKind.Video)
        {
            reasons.Add($"the video is not a video ({Describe(probe)})");
            Size(probe, MaxVideoBytes, "the video", reasons);
            return;
        }

        switch (probe.Container)
        {
            case "mp4":
                break;
            case "3gp" or "3g2":
                reasons.Add("the video is 3GP, which LINE does not play as sent: convert it to MP4 (H.264 video, AAC audio)");
                break;
            case "mov":
                reasons.Add("the video is QuickTime (MOV): remux or convert it to MP4 (H.264 video, AAC audio)");
                break;
            default:
                reasons.Add($"the video is {Name(probe.Container)}; LINE takes MP4: convert it to MP4 (H.264 video, AAC audio)");
                break;
        }

        if (probe.VideoCodec != "h264")
        {
            reasons.Add($"the video codec is {probe.VideoCodec ?? "unknown"}; LINE plays H.264 only: re-encode the video as H.264");
        }

        foreach (var codec in probe.AudioCodecs.Where(c => c != "aac").Distinct())
        {
            reasons.Add($"the video's audio codec is {codec}; only AAC is accepted: re-encode the audio as AAC");
        }

        if (probe.AudioStreams > 1)
        {
            reasons.Add(Invariant($"the video has {probe.AudioStreams} audio streams; at most one is accepted: keep a single audio stream"));
        }

        Size(probe, MaxVideoBytes, "the video", reasons);
    }

    private static void CheckAudio(MediaProbeResult probe, bool remuxesAdts, List<string> reasons)
    {
        if (probe.Kind != MediaKind.Audio)
        {
            reasons.Add($"the audio is not audio ({Describe(probe)})");
            Size(probe, MaxAudioBytes, "the audio", reasons);
            return;
        }

        var codec = probe.AudioCodecs.FirstOrDefault();
        switch (probe.Container)
        {
            case "mp3":
                break;
            case "m4a" when codec == "aac":
                break;
            case "m4a":
                reasons.Add($"the M4A audio holds {codec}; LINE plays AAC in M4A: re-encode it as AAC");
                break;
            case "aac" when remuxesAdts:
                break;
            case "aac":
                reasons.Add("the audio is AAC in ADTS (a raw .aac stream), which LINE does not play as sent: convert it to M4A (AAC in MP4)");
                break;
            case "wav":
                reasons.Add("the audio is WAV, which LINE does not play as sent: convert it to M4A (AAC) or MP3");
                break;
            case "mpeg":
                reasons.Add($"the audio is MPEG-1/2 Layer {(codec == "mp1" ? "I" : "II")} ({codec}), which LINE does not play as sent: convert it to MP3 or M4A (AAC)");
                break;
            case "ogg":
                reasons.Add($"the audio is Ogg ({string.Join(", ", probe.AudioCodecs)}), which is refused: convert it to M4A (AAC) or MP3");
                break;
            case "3gp" or "3g2":
                reasons.Add("the audio is 3GP, which LINE does not play as sent: convert it to M4A (AAC)");
                break;
            default:
                reasons.Add($"the audio is {Name(probe.Container)}; LINE plays M4A (AAC) and MP3: convert it to one of them");
                break;
        }

        if (probe.AudioStreams > 1)
        {
            reasons.Add(Invariant($"the audio has {probe.AudioStreams} streams; one is expected"));
        }

        if (probe.DurationMs is null or <= 0)
        {
            reasons.Add("the audio's duration could not be determined; LINE needs it");
        }

        Size(probe, MaxAudioBytes, "the audio", reasons);
    }

    private static void Size(MediaProbeResult probe, long max, string what, List<string> reasons)
    {
        if (probe.SizeBytes > max)
        {
            reasons.Add(Invariant($"{what} is {probe.SizeBytes:N0} bytes; at most {max:N0} ({max / 1_000_000} MB) are accepted"));
        }
    }

    private static string Describe(MediaProbeResult probe) =>
        probe.Container is null ? "its format is not recognised" : $"it is {Name(probe.Container)}, {MediaTexts.Kind.Format(probe.Kind)}";

    private static string Name(string? container) => container switch
    {
        null => "an unrecognised format",
        "png" or "gif" or "bmp" or "tiff" or "mp4" or "m4a" or "mp3" or "wav" or "avi" or "heic" or "avif" or "flac" => container.ToUpperInvariant(),
        "jpeg" => "JPEG",
        "webp" => "WebP",
        "webm" => "WebM",
        "matroska" => "Matroska",
        "aac" => "AAC in ADTS",
        "mpeg" => "MPEG audio",
        "ogg" => "Ogg",
        "mov" => "QuickTime (MOV)",
        _ => container.ToUpperInvariant(),
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
