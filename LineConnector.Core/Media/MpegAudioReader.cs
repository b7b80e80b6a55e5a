using static LineConnector.Core.Media.ProbeReader;

namespace LineConnector.Core.Media;

/// <summary>
/// MPEG audio (MP3, MP2, MP1) and AAC in ADTS, after any ID3v2 tags: the first frame must be
/// followed by another of the same stream. MP3 duration comes from the Xing/Info or VBRI header
/// when present, otherwise from the bit rate and size (constant bit rate).
/// </summary>
internal static class MpegAudioReader
{
    /// <summary>How far past the ID3v2 tag the first frame is looked for (padding).</summary>
    private const int SyncWindow = 64 * 1024;

    /// <summary>The frame sync is looked for this many bytes at a time.</summary>
    private const int ScanChunk = 4096;

    /// <summary>ADTS frames walked to measure the stream; beyond it the duration is estimated from the size.</summary>
    private const int AdtsWindow = 256 * 1024;

    private static readonly int[] AdtsRates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

    // Bit rates in kbit/s by [version 1 or 2][layer 1..3][index].
    private static readonly int[][][] Bitrates =
    [
        [
            [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
            [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
            [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
        ],
        [
            [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
            [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
            [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
        ],
    ];

    private static readonly int[][] SampleRates = [[44100, 48000, 32000], [22050, 24000, 16000], [11025, 12000, 8000]];

    /// <summary>An MPEG audio frame header. <see cref="Version"/>: 1, 2, or 25 for MPEG-2.5.</summary>
    private readonly record struct MpegFrame(int Version, int Layer, int BitrateKbps, int SampleRate, bool Mono, int Length)
    {
        public int SamplesPerFrame => Layer == 1 ? 384 : Layer == 3 && Version != 1 ? 576 : 1152;
    }

    private readonly record struct AdtsFrame(int SampleRate, int Length, int Blocks);

    public static bool LooksLikeFrameSync(ReadOnlySpan<byte> head) => head.Length >= 4 && (ParseMpeg(head) is not null || ParseAdts(head) is not null);

    public static async Task ReadAsync(ProbeReader reader, ProbeFindings findings)
    {
        var start = await SkipId3Async(reader);
        var hadTag = start > 0;
        // Without a tag the stream must start at once; after one, padding may come first.
        var scan = hadTag ? SyncWindow : 1;
        for (var chunkAt = 0; chunkAt < scan; chunkAt += ScanChunk)
        {
            var chunk = await reader.ReadAsync(start + chunkAt, ScanChunk + 8);
            var last = Math.Min(Math.Min(ScanChunk, scan - chunkAt), chunk.Length - 4);
            for (var at = 0; at < last; at++)
            {
                if (chunk[at] != 0xFF)
                {
                    continue;
                }

                var offset = start + chunkAt + at;
                if (ParseMpeg(chunk.AsSpan(at)) is { } frame && await FollowedByAsync(reader, offset + frame.Length, next => ParseMpeg(next) is { } n && n.Version == frame.Version && n.Layer == frame.Layer && n.SampleRate == frame.SampleRate))
                {
                    await DescribeMpegAsync(reader, findings, offset, frame);
                    return;
                }

                if (ParseAdts(chunk.AsSpan(at)) is { } adts && await FollowedByAsync(reader, offset + adts.Length, next => ParseAdts(next) is { } n && n.SampleRate == adts.SampleRate))
                {
                    await DescribeAdtsAsync(reader, findings, offset);
                    return;
                }
            }

            if (chunk.Length < ScanChunk + 8)
            {
                break;
            }
        }

        throw new InvalidDataException(hadTag
            ? Invariant($"the ID3v2 tag is not followed by MPEG audio or ADTS frames within {SyncWindow:N0} bytes")
            : "the format is not recognised (a frame sync word without a valid MPEG audio or ADTS stream)");
    }

    private static async Task<long> SkipId3Async(ProbeReader reader)
    {
        long start = 0;
        while (true)
        {
            reader.Visit();
            var tag = await reader.ReadAsync(start, 10);
            if (tag.Length < 10 || tag[0] != 'I' || tag[1] != 'D' || tag[2] != '3')
            {
                return start;
            }

            if (tag[3] == 0xFF || tag[4] == 0xFF || (tag[6] | tag[7] | tag[8] | tag[9]) >= 0x80)
            {
                throw new InvalidDataException(Invariant($"the ID3v2 tag at offset {start} has a malformed header"));
            }

            // Sizes are "syncsafe": 7 bits per byte. A footer (flag 0x10) adds 10 bytes.
            long size = (tag[6] << 21) | (tag[7] << 14) | (tag[8] << 7) | tag[9];
            var total = 10 + size + ((tag[5] & 0x10) != 0 ? 10 : 0);
            if (total > reader.Length - start)
            {
                throw new InvalidDataException(Invariant($"the ID3v2 tag at offset {start} declares {size:N0} bytes, past the end of the file"));
            }

            start += total;
        }
    }

    /// <summary>True when a frame matching <paramref name="matches"/> starts at <paramref name="next"/>, or the file (or an ID3v1 tag) ends there.</summary>
    private static async Task<bool> FollowedByAsync(ProbeReader reader, long next, Func<byte[], bool> matches)
    {
        if (next == reader.Length)
        {
            return true;
        }

        var header = await reader.ReadAsync(next, 8);
        return header.Length >= 4 && (matches(header) || IsId3v1(reader, next, header));
    }

    private static async Task DescribeMpegAsync(ProbeReader reader, ProbeFindings findings, long start, MpegFrame frame)
    {
        findings.Kind = MediaKind.Audio;
        findings.Container = frame.Layer == 3 ? "mp3" : "mpeg";
        findings.AudioCodecs.Add(frame.Layer switch { 3 => "mp3", 2 => "mp2", _ => "mp1" });

        var first = await reader.ReadAsync(start, frame.Length);
        if (VbrFrameCount(first, frame) is { } frames)
        {
            findings.DurationMs = Milliseconds((UInt128)frames * (ulong)frame.SamplesPerFrame, (ulong)frame.SampleRate, "the MP3 frame count");
            return;
        }

        // Constant bit rate: the audio bits over the bit rate.
        findings.DurationMs = Milliseconds((UInt128)(ulong)(reader.Length - start) * 8, (ulong)frame.BitrateKbps * 1000, "the MPEG audio stream's size");
    }

    /// <summary>The frame count of a Xing/Info (after the side information) or VBRI (at 32) header in the first frame.</summary>
    private static uint? VbrFrameCount(byte[] frame, MpegFrame header)
    {
        if (header.Layer != 3)
        {
            return null;
        }

        var xingAt = 4 + (header.Version == 1 ? (header.Mono ? 17 : 32) : (header.Mono ? 9 : 17));
        if (frame.Length >= xingAt + 12 && (frame.AsSpan(xingAt, 4).SequenceEqual("Xing"u8) || frame.AsSpan(xingAt, 4).SequenceEqual("Info"u8)))
        {
            var flags = U32BE(frame, xingAt + 4);
            return (flags & 1) != 0 ? U32BE(frame, xingAt + 8) : null;
        }

        const int VbriAt = 4 + 32;
        if (frame.Length >= VbriAt + 18 && frame.AsSpan(VbriAt, 4).SequenceEqual("VBRI"u8))
        {
            return U32BE(frame, VbriAt + 14);
        }

        return null;
    }

    private static async Task DescribeAdtsAsync(ProbeReader reader, ProbeFindings findings, long start)
    {
        findings.Kind = MediaKind.Audio;
        findings.Container = "aac";
        findings.AudioCodecs.Add("aac");

        var window = await reader.ReadAsync(start, AdtsWindow);
        var at = 0;
        long blocks = 0;
        var sampleRate = 0;
        while (at + 7 <= window.Length && !IsId3v1(reader, start + at, window.AsSpan(at)))
        {
            reader.Visit();
            if (ParseAdts(window.AsSpan(at)) is not { } frame)
            {
                throw new InvalidDataException(Invariant($"the ADTS frame at offset {start + at} has no valid header"));
            }

            sampleRate = frame.SampleRate;
            blocks += frame.Blocks;
            at += frame.Length;
        }

        // Each raw data block holds 1024 samples. Past the window, frames are taken to be as large as those walked.
        var audioBytes = (ulong)(reader.Length - start);
        var totalBlocks = (ulong)at >= audioBytes || at == 0 ? (UInt128)(ulong)blocks : (UInt128)(ulong)blocks * audioBytes / (ulong)at;
        findings.DurationMs = Milliseconds(totalBlocks * 1024, (ulong)sampleRate, "the ADTS stream's size");
    }

    private static bool IsId3v1(ProbeReader reader, long offset, ReadOnlySpan<byte> data) =>
        offset + 128 == reader.Length && data.StartsWith("TAG"u8);

    private static MpegFrame? ParseMpeg(ReadOnlySpan<byte> h)
    {
        if (h.Length < 4 || h[0] != 0xFF || (h[1] & 0xE0) != 0xE0)
        {
            return null;
        }

        var versionBits = (h[1] >> 3) & 3;
        var layerBits = (h[1] >> 1) & 3;
        var bitrateIndex = h[2] >> 4;
        var rateIndex = (h[2] >> 2) & 3;
        if (versionBits == 1 || layerBits == 0 || bitrateIndex is 0 or 15 || rateIndex == 3)
        {
            return null;
        }

        var version = versionBits switch { 3 => 1, 2 => 2, _ => 25 };
        var layer = 4 - layerBits;
        var bitrate = Bitrates[version == 1 ? 0 : 1][layer - 1][bitrateIndex];
        var sampleRate = SampleRates[version switch { 1 => 0, 2 => 1, _ => 2 }][rateIndex];
        var padding = (h[2] >> 1) & 1;
        var mono = (h[3] >> 6) == 3;
        var length = layer == 1
            ? ((12 * bitrate * 1000 / sampleRate) + padding) * 4
            : ((layer == 3 && version != 1 ? 72 : 144) * bitrate * 1000 / sampleRate) + padding;
        return new MpegFrame(version, layer, bitrate, sampleRate, mono, length);
    }

    private static AdtsFrame? ParseAdts(ReadOnlySpan<byte> h)
    {
        // Sync 0xFFF, layer 00 (MPEG audio has a non-zero layer there).
        if (h.Length < 7 || h[0] != 0xFF || (h[1] & 0xF6) != 0xF0)
        {
            return null;
        }

        var rateIndex = (h[2] >> 2) & 0xF;
        var length = ((h[3] & 0x03) << 11) | (h[4] << 3) | (h[5] >> 5);
        var headerLength = (h[1] & 1) == 0 ? 9 : 7;
        if (rateIndex >= AdtsRates.Length || length < headerLength)
        {
            return null;
        }

        return new AdtsFrame(AdtsRates[rateIndex], length, (h[6] & 3) + 1);
    }
}
