namespace LineConnector.Functions.Hosting;

/// <summary>
/// The HttpClient for clients that time each call themselves (LINE, destinations): no client-wide
/// timeout, and pooled connections renewed every few minutes so that DNS changes are seen.
/// </summary>
public static class CallerTimedHttpClient
{
    public static HttpClient Create() =>
        new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };
}
