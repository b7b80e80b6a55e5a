namespace LineConnector.Core.Media;

/// <summary>Why media could not be read.</summary>
public enum MediaFetchFailure
{
    /// <summary>A rule forbids it: the URL, the address it resolves to, a redirect, or a size or request cap.</summary>
    NotAllowed,

    /// <summary>The server or file answered with an error that trying again will not change (4xx, a broken response).</summary>
    Failed,

    /// <summary>It may work later: a timeout, a connection failure, 408, 429 or 5xx.</summary>
    Unavailable,
}

/// <summary>Media could not be read: a URL or address that is not allowed, an HTTP error, a timeout, a read error.</summary>
public sealed class MediaFetchException : Exception
{
    public MediaFetchException(string message, MediaFetchFailure failure, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
    }

    public MediaFetchFailure Failure { get; }
}
