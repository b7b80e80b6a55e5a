namespace LineConnector.Core.Media;

/// <summary>
/// Says what a media file is by its bytes, never by its name or Content-Type: images (PNG, JPEG,
/// and GIF, WebP, HEIC, AVIF, BMP, TIFF by name), ISO BMFF (MP4, M4A, 3GP, MOV), MP3 and MPEG
/// audio, AAC in ADTS, WAV, Ogg and FLAC. Malformed, truncated or absurd files give a result with
/// problems, in bounded time and memory; no exception leaves the probe except the caller's cancellation.
/// </summary>
public static class MediaProbe
{
    private const int HeadBytes = 64;

    public static async Task<MediaProbeResult> ProbeAsync(IMediaSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var findings = new ProbeFindings();
        try
        {
            await ReadAsync(new ProbeReader(source, cancellationToken), findings);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (InvalidDataException e)
        {
            findings.Problems.Add(e.Message);
        }
        catch (MediaFetchException e)
        {
            findings.Problems.Add(e.Message);
            findings.FetchFailure = e.Failure;
        }
        catch (Exception e)
        {
            // The probe's promise: whatever the bytes, a result, never an exception.
            findings.Problems.Add($"the file could not be parsed ({e.GetType().Name}: {e.Message})");
        }

        return findings.ToResult(source);
    }

    /// <summary>
    /// Probes the media at <paramref name="url"/> through <paramref name="fetcher"/> (its URL,
    /// address, size and time rules apply). A URL that is not allowed or cannot be fetched gives a
    /// result with the reason and <see cref="MediaProbeResult.FetchFailure"/> set.
    /// </summary>
    public static async Task<MediaProbeResult> ProbeUrlAsync(string url, MediaFetcher fetcher, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fetcher);
        if (fetcher.CheckUrl(url) is { } problem)
        {
            return Failed(problem, MediaFetchFailure.NotAllowed);
        }

        using var timeout = fetcher.StartProbeTimeout(cancellationToken);
        try
        {
            await using var source = await fetcher.OpenAsync(new Uri(url), timeout.Token);
            return await ProbeAsync(source, timeout.Token);
        }
        catch (MediaFetchException e)
        {
            return Failed(e.Message, e.Failure);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed(ProbeReader.Invariant($"reading the media took longer than {fetcher.Options.ProbeTimeout.TotalSeconds:0.#} s"), MediaFetchFailure.Unavailable);
        }
    }

    private static MediaProbeResult Failed(string problem, MediaFetchFailure failure) =>
        new(MediaKind.Unknown, null, null, [], 0, null, null, [problem], failure, 0, 0);

    private static async Task ReadAsync(ProbeReader reader, ProbeFindings findings)
    {
        if (reader.Length == 0)
        {
            throw new InvalidDataException("the file is empty");
        }

        var head = await reader.ReadAsync(0, HeadBytes);
        if (Starts(head, [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            Image(findings, "png");
            if (head.Length < 16 || !Starts(head.AsSpan(12), "IHDR"u8))
            {
                throw new InvalidDataException("the PNG signature is not followed by an IHDR chunk");
            }
        }
        else if (Starts(head, [0xFF, 0xD8, 0xFF]))
        {
            Image(findings, "jpeg");
        }
        else if (Starts(head, "GIF87a"u8) || Starts(head, "GIF89a"u8))
        {
            Image(findings, "gif");
        }
        else if (head.Length >= 12 && Starts(head, "RIFF"u8))
        {
            await RiffReader.ReadAsync(reader, head, findings);
        }
        else if (head.Length >= 8 && Starts(head.AsSpan(4), "ftyp"u8))
        {
            await IsoBmffReader.ReadAsync(reader, findings);
        }
        else if (Starts(head, "OggS"u8))
        {
            await OggReader.ReadAsync(reader, findings);
        }
        else if (Starts(head, "fLaC"u8))
        {
            FlacReader.Read(head, findings);
        }
        else if (Starts(head, "ID3"u8) || MpegAudioReader.LooksLikeFrameSync(head))
        {
            await MpegAudioReader.ReadAsync(reader, findings);
        }
        else if (Starts(head, [0x1A, 0x45, 0xDF, 0xA3]))
        {
            // Matroska and WebM: named so the refusal can say what it is.
            findings.Container = head.AsSpan().IndexOf("webm"u8) >= 0 ? "webm" : "matroska";
        }
        else if (Starts(head, "BM"u8))
        {
            Image(findings, "bmp");
        }
        else if (Starts(head, "II*\0"u8) || Starts(head, "MM\0*"u8))
        {
            Image(findings, "tiff");
        }
        else
        {
            throw new InvalidDataException($"the format is not recognised (it starts with {Convert.ToHexString(head.AsSpan(0, Math.Min(8, head.Length)))})");
        }
    }

    private static void Image(ProbeFindings findings, string container)
    {
        findings.Kind = MediaKind.Image;
        findings.Container = container;
    }

    private static bool Starts(ReadOnlySpan<byte> data, ReadOnlySpan<byte> prefix) => data.StartsWith(prefix);
}
