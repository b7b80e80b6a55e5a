namespace LineConnector.Core.Media;

/// <summary>
/// Random access to the bytes of one media file: a local file for the command line, HTTP range
/// requests for a URL. The probe reads only the parts it needs, so a 200 MB video with its
/// <c>moov</c> box at the end is judged from kilobytes.
/// </summary>
public interface IMediaSource : IAsyncDisposable
{
    /// <summary>The size of the media in bytes.</summary>
    long Length { get; }

    /// <summary>Bytes taken from the file or the network so far.</summary>
    long BytesRead { get; }

    /// <summary>Reads (file reads or HTTP requests) made so far.</summary>
    int Requests { get; }

    /// <summary>Fills <paramref name="buffer"/> from <paramref name="offset"/>; returns fewer bytes only at the end.</summary>
    /// <exception cref="MediaFetchException">The bytes could not be read.</exception>
    ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken);
}
