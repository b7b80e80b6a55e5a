using static LineConnector.Core.Media.ProbeReader;

namespace LineConnector.Core.Media;

/// <summary>RIFF files: WAV (its <c>fmt </c> and <c>data</c> chunks give codec and duration), and WebP and AVI by name.</summary>
internal static class RiffReader
{
    private const int MaxChunks = 256;

    public static async Task ReadAsync(ProbeReader reader, byte[] head, ProbeFindings findings)
    {
        var form = FourCc(head.AsSpan(8));
        switch (form)
        {
            case "WEBP":
                findings.Kind = MediaKind.Image;
                findings.Container = "webp";
                return;
            case "AVI ":
                findings.Kind = MediaKind.Video;
                findings.Container = "avi";
                return;
            case "WAVE":
                await ReadWaveAsync(reader, findings);
                return;
            default:
                throw new InvalidDataException($"the format is not recognised (a RIFF file of form '{form}')");
        }
    }

    private static async Task ReadWaveAsync(ProbeReader reader, ProbeFindings findings)
    {
        findings.Kind = MediaKind.Audio;
        findings.Container = "wav";
        uint? byteRate = null;
        long offset = 12;
        for (var chunks = 0; reader.Length - offset >= 8; chunks++)
        {
            reader.Visit();
            if (chunks == MaxChunks)
            {
                throw new InvalidDataException(Invariant($"the WAV file has more than {MaxChunks} chunks before its audio data"));
            }

            var header = await reader.ReadAsync(offset, 8);
            var id = FourCc(header);
            long size = U32LE(header, 4);
            var body = offset + 8;
            var left = reader.Length - body;
            if (id == "fmt ")
            {
                if (size < 16 || size > left)
                {
                    throw new InvalidDataException(Invariant($"the WAV 'fmt ' chunk at offset {offset} is {size} bytes; it must hold at least 16 and fit in the file"));
                }

                var fmt = await reader.ReadAsync(body, (int)Math.Min(size, 40));
                var tag = U16LE(fmt, 0);
                if (tag == 0xFFFE && fmt.Length >= 26)
                {
                    // WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of the sub-format GUID.
                    tag = U16LE(fmt, 24);
                }

                findings.AudioCodecs.Add(Codec(tag, U16LE(fmt, 14)));
                byteRate = U32LE(fmt, 8);
            }
            else if (id == "data")
            {
                if (byteRate is not { } rate)
                {
                    throw new InvalidDataException(Invariant($"the WAV 'data' chunk at offset {offset} comes before any 'fmt ' chunk"));
                }

                if (rate == 0)
                {
                    throw new InvalidDataException("the WAV 'fmt ' chunk declares a byte rate of 0");
                }

                // Streamed WAV files leave the size 0 or 0xFFFFFFFF: the data then runs to the end.
                if (size is 0 or uint.MaxValue)
                {
                    size = left;
                }
                else if (size > left)
                {
                    findings.Problems.Add(Invariant($"the WAV file is truncated: its 'data' chunk declares {size:N0} bytes but only {left:N0} remain"));
                    size = left;
                }

                findings.DurationMs = Milliseconds((ulong)size, rate, "the WAV 'data' chunk");
                return;
            }
            else if (size > left)
            {
                throw new InvalidDataException(Invariant($"the WAV file is truncated: chunk '{id}' at offset {offset} declares {size:N0} bytes but only {left:N0} remain"));
            }

            // Chunks are padded to an even length.
            offset = body + size + (size & 1);
        }

        throw new InvalidDataException(byteRate is null ? "the WAV file has no 'fmt ' chunk" : "the WAV file has no 'data' chunk");
    }

    private static string Codec(ushort tag, ushort bitsPerSample) => tag switch
    {
        1 => bitsPerSample == 8 ? "pcm_u8" : Invariant($"pcm_s{bitsPerSample}"),
        3 => Invariant($"pcm_f{bitsPerSample}"),
        2 or 0x11 => "adpcm",
        6 => "pcm_alaw",
        7 => "pcm_mulaw",
        0x50 => "mp2",
        0x55 => "mp3",
        0xFF or 0x1610 => "aac",
        _ => Invariant($"wav format 0x{tag:X4}"),
    };
}
