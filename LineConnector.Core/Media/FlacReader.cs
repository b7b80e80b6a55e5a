using static LineConnector.Core.Media.ProbeReader;

namespace LineConnector.Core.Media;

/// <summary>Native FLAC: named, with the duration from its STREAMINFO block.</summary>
internal static class FlacReader
{
    public static void Read(byte[] head, ProbeFindings findings)
    {
        findings.Kind = MediaKind.Audio;
        findings.Container = "flac";
        findings.AudioCodecs.Add("flac");
        // "fLaC", a 4-byte metadata block header, then STREAMINFO (which must come first).
        if (head.Length < 8 + 18 || (head[4] & 0x7F) != 0)
        {
            throw new InvalidDataException("the FLAC file does not start with a STREAMINFO block");
        }

        var info = head.AsSpan(8);
        var rate = SampleRate(info);
        var samples = ((ulong)(info[13] & 0x0F) << 32) | U32BE(info, 14);
        if (rate > 0 && samples > 0)
        {
            findings.DurationMs = Milliseconds(samples, rate, "the FLAC STREAMINFO block");
        }
    }

    /// <summary>The 20-bit sample rate at byte 10 of a STREAMINFO block.</summary>
    public static uint SampleRate(ReadOnlySpan<byte> streamInfo) =>
        (uint)((streamInfo[10] << 12) | (streamInfo[11] << 4) | (streamInfo[12] >> 4));
}
