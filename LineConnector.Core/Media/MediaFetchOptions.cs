namespace LineConnector.Core.Media;

/// <summary>Limits on fetching media from URLs. Set in code, not bound from configuration, so the test switch cannot be turned on by a setting.</summary>
public sealed class MediaFetchOptions
{
    /// <summary>LINE's limit on any URL in a message.</summary>
    public const int MaxUrlLength = 2000;

    /// <summary>Connecting, sending and reading one response.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Everything needed to judge one URL.</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public int MaxRedirects { get; init; } = 5;

    /// <summary>HTTP requests (redirects included) for one URL.</summary>
    public int MaxRequests { get; init; } = 16;

    /// <summary>
    /// Bytes downloaded for one URL. It also caps the body taken from a server that ignores range
    /// requests: it covers a 10 MB image, while larger media must be served with range support.
    /// </summary>
    public long MaxBytes { get; init; } = 12L * 1024 * 1024;

    /// <summary>The smallest range asked for, so that neighbouring small reads share one request.</summary>
    public int RangeBytes { get; init; } = 64 * 1024;

    /// <summary>
    /// For tests only: accepts <c>http://</c> URLs and loopback addresses so that tests can serve
    /// media from 127.0.0.1. Private, link-local and other addresses stay refused. Off by default.
    /// </summary>
    public bool AllowLoopbackHttpForTests { get; init; }
}
