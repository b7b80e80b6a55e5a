using static LineConnector.Core.Media.ProbeReader;

namespace LineConnector.Core.Media;

/// <summary>
/// Ogg: the beginning-of-stream pages name each logical stream's codec (Vorbis, Opus, FLAC,
/// Speex, Theora); the last page's granule position gives the duration.
/// </summary>
internal static class OggReader
{
    private const int HeadWindow = 64 * 1024;
    private const int TailWindow = 64 * 1024;
    private const int PageHeader = 27;

    private sealed record OggStream(uint Serial, string Codec, bool Video, uint SampleRate, ulong PreSkip);

    public static async Task ReadAsync(ProbeReader reader, ProbeFindings findings)
    {
        var head = await reader.ReadAsync(0, HeadWindow);
        var streams = new List<OggStream>();
        var at = 0;
        // Every stream's first page (flag 0x02, beginning of stream) comes before any other page.
        while (Page(head, at) is { } page && (page.Flags & 0x02) != 0)
        {
            reader.Visit();
            if (page.BodyAt + 8 > head.Length)
            {
                break;
            }

            streams.Add(Identify(page.Serial, head.AsSpan(page.BodyAt, (int)Math.Min(page.BodyLength, head.Length - page.BodyAt))));
            at = page.BodyAt + page.BodyLength;
        }

        if (streams.Count == 0)
        {
            throw new InvalidDataException("the Ogg file does not start with a valid beginning-of-stream page");
        }

        findings.Container = "ogg";
        var video = streams.FirstOrDefault(s => s.Video);
        var audio = streams.Where(s => !s.Video).ToList();
        findings.Kind = video is not null ? MediaKind.Video : MediaKind.Audio;
        findings.VideoCodec = video?.Codec;
        findings.AudioCodecs.AddRange(audio.Select(s => s.Codec));
        if (audio.FirstOrDefault(s => s.SampleRate > 0) is { } timed)
        {
            findings.DurationMs = await LastGranuleMsAsync(reader, timed);
        }
    }

    private static async Task<long?> LastGranuleMsAsync(ProbeReader reader, OggStream stream)
    {
        var from = Math.Max(0, reader.Length - TailWindow);
        var tail = await reader.ReadAsync(from, TailWindow);
        for (var at = tail.Length - PageHeader; at >= 0; at--)
        {
            if (Page(tail, at) is { } page && page.Serial == stream.Serial && page.Granule != ulong.MaxValue)
            {
                var samples = page.Granule > stream.PreSkip ? page.Granule - stream.PreSkip : 0;
                return Milliseconds(samples, stream.SampleRate, "the Ogg stream's last granule position");
            }
        }

        return null;
    }

    private readonly record struct OggPage(byte Flags, ulong Granule, uint Serial, int BodyAt, int BodyLength);

    private static OggPage? Page(byte[] data, int at)
    {
        if (at < 0 || at + PageHeader > data.Length || !data.AsSpan(at).StartsWith("OggS"u8) || data[at + 4] != 0)
        {
            return null;
        }

        var segments = data[at + 26];
        if (at + PageHeader + segments > data.Length)
        {
            return null;
        }

        var length = 0;
        foreach (var lacing in data.AsSpan(at + PageHeader, segments))
        {
            length += lacing;
        }

        return new OggPage(data[at + 5], U64LE(data, at + 6), U32LE(data, at + 14), at + PageHeader + segments, length);
    }

    private static OggStream Identify(uint serial, ReadOnlySpan<byte> packet)
    {
        if (packet.StartsWith("\u0001vorbis"u8) && packet.Length >= 16)
        {
            return new OggStream(serial, "vorbis", false, U32LE(packet, 12), 0);
        }

        if (packet.StartsWith("OpusHead"u8) && packet.Length >= 12)
        {
            // Opus granule positions count 48 kHz samples whatever the input rate, less the pre-skip.
            return new OggStream(serial, "opus", false, 48000, U16LE(packet, 10));
        }

        if (packet.StartsWith("\u007fFLAC"u8))
        {
            // Mapping header (9 bytes), "fLaC", then the STREAMINFO block.
            return new OggStream(serial, "flac", false, packet.Length >= 13 + 4 + 18 ? FlacReader.SampleRate(packet[17..]) : 0, 0);
        }

        if (packet.StartsWith("Speex   "u8) && packet.Length >= 40)
        {
            return new OggStream(serial, "speex", false, U32LE(packet, 36), 0);
        }

        if (packet.StartsWith("\u0080theora"u8))
        {
            return new OggStream(serial, "theora", true, 0, 0);
        }

        if (packet.StartsWith("OVP80"u8))
        {
            return new OggStream(serial, "vp8", true, 0, 0);
        }

        return new OggStream(serial, "unknown", false, 0, 0);
    }
}
