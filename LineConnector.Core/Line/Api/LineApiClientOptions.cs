namespace LineConnector.Core.Line.Api;

/// <summary>
/// Settings of <see cref="LineApiClient"/> (section <c>Line</c>): where LINE's APIs are, how often and
/// how long a failed call is retried, and the timeout of one attempt.
/// </summary>
public sealed class LineApiClientOptions
{
    public const string Section = "Line";

    /// <summary>The Messaging API: reply, push, bot info, and the token endpoint.</summary>
    public Uri ApiBaseUrl { get; set; } = new("https://api.line.me/");

    /// <summary>The content API: users' images, video, audio and files.</summary>
    public Uri DataApiBaseUrl { get; set; } = new("https://api-data.line.me/");

    /// <summary>Retries after the first attempt of a call that failed transiently (5xx, timeout, rate-limit 429, network).</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Wait before the first retry; it doubles for each further retry (with jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The longest wait between attempts. A <c>Retry-After</c> longer than this ends the retries:
    /// the failure is returned as transient so that the caller (a queue) tries again later.
    /// </summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>How long one attempt may take, from sending the request to reading the whole answer (or the headers of a content download).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    internal void Validate()
    {
        if (!ApiBaseUrl.IsAbsoluteUri || !DataApiBaseUrl.IsAbsoluteUri)
        {
            throw new ArgumentException("LINE API base URLs must be absolute, e.g. https://api.line.me/.");
        }

        if (MaxRetries < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRetries), MaxRetries, "MaxRetries must be 0 or more.");
        }

        if (RetryDelay < TimeSpan.Zero || MaxRetryDelay < RetryDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(RetryDelay), RetryDelay, "RetryDelay must be 0 or more and at most MaxRetryDelay.");
        }

        if (Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "Timeout must be positive.");
        }
    }
}
