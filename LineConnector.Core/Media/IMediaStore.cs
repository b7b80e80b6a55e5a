namespace LineConnector.Core.Media;

/// <summary>
/// Where media the connector made (audio remuxed to M4A) are kept for LINE to fetch: a blob container in
/// Azure. The URL it gives is read-only and short-lived, and names no secret but its own signature.
/// </summary>
public interface IMediaStore
{
    /// <summary>Stores <paramref name="content"/> under <paramref name="name"/> (replacing what was there) and returns a read-only URL to it.</summary>
    /// <exception cref="MediaFetchException">The store cannot be reached for now (<see cref="MediaFetchFailure.Unavailable"/>).</exception>
    Task<Uri> StoreAsync(string name, Stream content, string contentType, CancellationToken cancellationToken);
}
