using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace LineConnector.Core.Media;

/// <summary>
/// Fetches media from URLs safely (DESIGN §5): HTTPS only, at most 2,000 characters; each host
/// is resolved here and every address checked by <see cref="AddressRules"/>, and the connection
/// goes to the checked address (DNS rebinding cannot swap it); redirects are followed by hand and
/// checked again; sizes, requests and time are capped. Messages name the host, never the whole
/// URL, whose query may hold an access token.
/// </summary>
public sealed class MediaFetcher : IDisposable
{
    private readonly HttpClient _http;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;

    public MediaFetcher(MediaFetchOptions options, TimeProvider clock)
        : this(options, clock, Dns.GetHostAddressesAsync)
    {
    }

    /// <param name="resolve">Host name to addresses; tests use it to stand in for DNS.</param>
    internal MediaFetcher(MediaFetchOptions options, TimeProvider clock, Func<string, CancellationToken, Task<IPAddress[]>> resolve)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        Options = options;
        Clock = clock;
        _resolve = resolve;
        var handler = new SocketsHttpHandler
        {
            // Redirects are followed by hand so that each target is checked.
            AllowAutoRedirect = false,
            // A proxy would connect on our behalf, past the address check.
            UseProxy = false,
            UseCookies = false,
            // Ranges are of the stored bytes; the probe needs them as stored.
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = options.RequestTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = ConnectAsync,
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public MediaFetchOptions Options { get; }

    internal TimeProvider Clock { get; }

    /// <summary>Null when <paramref name="url"/> may be fetched; otherwise why not.</summary>
    public string? CheckUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return "the URL is empty";
        }

        if (url.Length > MediaFetchOptions.MaxUrlLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the URL is {url.Length:N0} characters long; at most {MediaFetchOptions.MaxUrlLength:N0} are allowed");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return "the URL is not an absolute URL";
        }

        if (uri.Scheme != Uri.UriSchemeHttps && !(Options.AllowLoopbackHttpForTests && uri.Scheme == Uri.UriSchemeHttp))
        {
            return $"the URL must use HTTPS, not {uri.Scheme}";
        }

        if (uri.UserInfo.Length > 0)
        {
            return "the URL must not carry a user name or password";
        }

        return null;
    }

    /// <summary>Opens <paramref name="url"/> for range reads; the first range is read at once and tells the size.</summary>
    /// <exception cref="MediaFetchException">The URL is not allowed, or the media cannot be read.</exception>
    public async Task<IMediaSource> OpenAsync(Uri url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (CheckUrl(url.OriginalString) is { } problem)
        {
            throw new MediaFetchException(problem, MediaFetchFailure.NotAllowed);
        }

        return await HttpRangeSource.OpenAsync(this, url, cancellationToken);
    }

    /// <summary>
    /// Downloads the whole of <paramref name="url"/> into <paramref name="destination"/> (media the connector
    /// converts), following at most <see cref="MediaFetchOptions.MaxRedirects"/> redirects, each to an allowed URL;
    /// the address rules apply to every connection. More than <paramref name="maxBytes"/> is refused.
    /// </summary>
    /// <exception cref="MediaFetchException">The URL is not allowed, too large, or cannot be read now (<see cref="MediaFetchFailure.Unavailable"/>).</exception>
    public async Task DownloadAsync(Uri url, Stream destination, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(destination);
        for (var redirects = 0; ; redirects++)
        {
            if (CheckUrl(url.OriginalString) is { } problem)
            {
                throw new MediaFetchException(problem, MediaFetchFailure.NotAllowed);
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            using var response = await SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            if (status is >= 300 and < 400 && response.Headers.Location is { } location)
            {
                if (redirects == Options.MaxRedirects)
                {
                    throw new MediaFetchException($"{url.Host} redirected more than {Options.MaxRedirects} times", MediaFetchFailure.NotAllowed);
                }

                url = new Uri(url, location);
                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new MediaFetchException(
                    $"{url.Host} answered HTTP {status}",
                    status is >= 500 or 408 or 429 ? MediaFetchFailure.Unavailable : MediaFetchFailure.Failed);
            }

            if (response.Content.Headers.ContentLength > maxBytes)
            {
                throw new MediaFetchException($"the file is {response.Content.Headers.ContentLength:N0} bytes; at most {maxBytes:N0} are accepted", MediaFetchFailure.Failed);
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[81920];
            long total = 0;
            for (int read; (read = await body.ReadAsync(buffer, cancellationToken)) > 0;)
            {
                total += read;
                if (total > maxBytes)
                {
                    throw new MediaFetchException($"the file is over {maxBytes:N0} bytes, the most accepted", MediaFetchFailure.Failed);
                }

                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            return;
        }
    }

    public void Dispose() => _http.Dispose();

    internal Deadline StartProbeTimeout(CancellationToken cancellationToken) => new(Options.ProbeTimeout, Clock, cancellationToken);

    internal async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // HTTP/1.1 at most: HTTP/3 would open QUIC connections without the connect callback.
        request.Version = HttpVersion.Version11;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e) when (e.InnerException is MediaFetchException refused)
        {
            throw refused;
        }
        catch (HttpRequestException e)
        {
            throw new MediaFetchException($"{request.RequestUri!.Host} could not be reached ({e.HttpRequestError})", MediaFetchFailure.Unavailable, e);
        }
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await _resolve(host, cancellationToken);
        if (addresses.Length == 0)
        {
            throw new MediaFetchException($"{host} has no address", MediaFetchFailure.Unavailable);
        }

        // Every address is checked, not only the first: a name must not mix public and internal addresses.
        foreach (var address in addresses)
        {
            if (AddressRules.Refusal(address, Options.AllowLoopbackHttpForTests) is { } kind)
            {
                throw new MediaFetchException($"{host} resolves to {address}, a {kind} address: media are fetched only from public addresses", MediaFetchFailure.NotAllowed);
            }
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
