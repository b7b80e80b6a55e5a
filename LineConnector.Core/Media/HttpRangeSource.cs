using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace LineConnector.Core.Media;

/// <summary>
/// Media behind a URL, read with HTTP range requests of at least <see cref="MediaFetchOptions.RangeBytes"/>
/// and kept in memory for the probe's neighbouring reads. A server that ignores ranges is read
/// whole, up to <see cref="MediaFetchOptions.MaxBytes"/>.
/// </summary>
internal sealed class HttpRangeSource : IMediaSource
{
    private readonly MediaFetcher _fetcher;
    private readonly List<(long Start, byte[] Data)> _segments = [];
    private Uri _url;
    private long _bytesRead;
    private int _requests;

    private HttpRangeSource(MediaFetcher fetcher, Uri url)
    {
        _fetcher = fetcher;
        _url = url;
    }

    public long Length { get; private set; }

    public long BytesRead => _bytesRead;

    public int Requests => _requests;

    private MediaFetchOptions Options => _fetcher.Options;

    private string Host => _url.Host;

    public static async Task<HttpRangeSource> OpenAsync(MediaFetcher fetcher, Uri url, CancellationToken cancellationToken)
    {
        var source = new HttpRangeSource(fetcher, url);
        await source.FetchAsync(0, fetcher.Options.RangeBytes, opening: true, cancellationToken);
        return source;
    }

    public async ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length && offset + total < Length)
        {
            var position = offset + total;
            var (start, data) = Find(position) ?? await FetchAsync(position, Math.Max(buffer.Length - total, Options.RangeBytes), opening: false, cancellationToken);
            var from = (int)(position - start);
            var count = Math.Min(data.Length - from, buffer.Length - total);
            data.AsSpan(from, count).CopyTo(buffer.Span[total..]);
            total += count;
        }

        return total;
    }

    public ValueTask DisposeAsync()
    {
        _segments.Clear();
        return ValueTask.CompletedTask;
    }

    private (long Start, byte[] Data)? Find(long position)
    {
        foreach (var segment in _segments)
        {
            if (position >= segment.Start && position < segment.Start + segment.Data.Length)
            {
                return segment;
            }
        }

        return null;
    }

    private async Task<(long Start, byte[] Data)> FetchAsync(long start, long count, bool opening, CancellationToken cancellationToken)
    {
        var last = (opening ? start + count : Math.Min(Length, start + count)) - 1;
        if (!opening && _bytesRead + (last - start + 1) > Options.MaxBytes)
        {
            throw new MediaFetchException(Invariant($"judging the media from {Host} would take more than {Options.MaxBytes:N0} bytes"), MediaFetchFailure.NotAllowed);
        }

        using var deadline = new Deadline(Options.RequestTimeout, _fetcher.Clock, cancellationToken);
        try
        {
            using var response = await SendFollowingRedirectsAsync(start, last, deadline.Token);
            var data = response.StatusCode switch
            {
                HttpStatusCode.PartialContent => await ReadRangeAsync(response, start, last, opening, deadline.Token),
                HttpStatusCode.OK when opening => await ReadWholeAsync(response, deadline.Token),
                HttpStatusCode.OK => throw new MediaFetchException($"{Host} stopped answering range requests", MediaFetchFailure.Failed),
                HttpStatusCode.RequestedRangeNotSatisfiable when opening && response.Content.Headers.ContentRange?.Length == 0 => [],
                HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError =>
                    throw new MediaFetchException(Answered(response), MediaFetchFailure.Unavailable),
                _ => throw new MediaFetchException(Answered(response), MediaFetchFailure.Failed),
            };
            _bytesRead += data.Length;
            var segment = (start, data);
            if (data.Length > 0)
            {
                _segments.Add(segment);
            }

            return segment;
        }
        catch (OperationCanceledException) when (deadline.Expired && !cancellationToken.IsCancellationRequested)
        {
            throw new MediaFetchException(Invariant($"{Host} did not answer within {Options.RequestTimeout.TotalSeconds:0.#} s"), MediaFetchFailure.Unavailable);
        }
        catch (IOException e)
        {
            throw new MediaFetchException($"the connection to {Host} failed while reading ({e.Message})", MediaFetchFailure.Unavailable, e);
        }
    }

    private async Task<HttpResponseMessage> SendFollowingRedirectsAsync(long start, long last, CancellationToken cancellationToken)
    {
        for (var redirects = 0; ; redirects++)
        {
            if (++_requests > Options.MaxRequests)
            {
                throw new MediaFetchException($"judging the media from {Host} would take more than {Options.MaxRequests} HTTP requests", MediaFetchFailure.NotAllowed);
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, _url);
            request.Headers.Range = new RangeHeaderValue(start, last);
            var response = await _fetcher.SendAsync(request, cancellationToken);
            if ((int)response.StatusCode is not (301 or 302 or 303 or 307 or 308))
            {
                return response;
            }

            using (response)
            {
                if (redirects == Options.MaxRedirects)
                {
                    throw new MediaFetchException($"{Host} redirected more than {Options.MaxRedirects} times", MediaFetchFailure.NotAllowed);
                }

                if (response.Headers.Location is not { } location)
                {
                    throw new MediaFetchException($"{Host} answered a redirect without a Location", MediaFetchFailure.Failed);
                }

                var target = new Uri(_url, location);
                if (_fetcher.CheckUrl(target.AbsoluteUri) is { } problem)
                {
                    throw new MediaFetchException($"{Host} redirected to a URL that is not allowed: {problem}", MediaFetchFailure.NotAllowed);
                }

                _url = target;
            }
        }
    }

    private async Task<byte[]> ReadRangeAsync(HttpResponseMessage response, long start, long last, bool opening, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentRange is not { Unit: "bytes", From: { } from, To: { } to, Length: { } length } || from != start || to < from)
        {
            throw new MediaFetchException($"{Host} answered a range request without a usable Content-Range", MediaFetchFailure.Failed);
        }

        if (opening)
        {
            Length = length;
        }
        else if (length != Length)
        {
            throw new MediaFetchException($"the media at {Host} changed size while it was being read", MediaFetchFailure.Unavailable);
        }

        // Never more than was asked for, whatever the server sends.
        var expected = (int)(Math.Min(to, last) - from + 1);
        var data = new byte[expected];
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var read = 0;
        while (read < expected)
        {
            var n = await body.ReadAsync(data.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                throw new MediaFetchException($"{Host} ended the response after {read} of {expected} bytes", MediaFetchFailure.Unavailable);
            }

            read += n;
        }

        return data;
    }

    private async Task<byte[]> ReadWholeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var tooLarge = Invariant($"{Host} does not answer range requests and the media is larger than {Options.MaxBytes:N0} bytes; serve it with range support");
        if (response.Content.Headers.ContentLength > Options.MaxBytes)
        {
            throw new MediaFetchException(tooLarge, MediaFetchFailure.NotAllowed);
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var whole = new MemoryStream();
        var buffer = new byte[81920];
        int n;
        while ((n = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (whole.Length + n > Options.MaxBytes)
            {
                throw new MediaFetchException(tooLarge, MediaFetchFailure.NotAllowed);
            }

            whole.Write(buffer, 0, n);
        }

        Length = whole.Length;
        return whole.ToArray();
    }

    private string Answered(HttpResponseMessage response) =>
        Invariant($"{Host} answered {(int)response.StatusCode} {response.ReasonPhrase}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
