namespace LineConnector.Core.Media;

/// <summary>
/// AAC in ADTS made playable for LINE (DESIGN §5, Outbound limits): the file is downloaded through the
/// fetcher (its address and size rules apply), remuxed to M4A in a temporary file (<see cref="AdtsToM4a"/>),
/// and stored in the media store, whose read-only URL LINE gets with the computed duration.
/// </summary>
public sealed class AudioRemux(MediaFetcher fetcher, IMediaStore store)
{
    /// <summary>The M4A's URL and duration, stored as <paramref name="name"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not ADTS that can be carried over as it is (the reason says why).</exception>
    /// <exception cref="MediaFetchException">The file or the store cannot be reached.</exception>
    public async Task<(Uri Url, RemuxedAudio Audio)> RemuxAsync(Uri source, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var adtsPath = Path.GetTempFileName();
        var m4aPath = Path.GetTempFileName();
        try
        {
            await using var adts = new FileStream(adtsPath, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.Asynchronous);
            await fetcher.DownloadAsync(source, adts, MediaRules.MaxAudioBytes, cancellationToken);
            await using var m4a = new FileStream(m4aPath, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.Asynchronous);
            var audio = await AdtsToM4a.RemuxAsync(adts, m4a, cancellationToken);
            m4a.Position = 0;
            return (await store.StoreAsync(name, m4a, "audio/mp4", cancellationToken), audio);
        }
        finally
        {
            File.Delete(adtsPath);
            File.Delete(m4aPath);
        }
    }
}
