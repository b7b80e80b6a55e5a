using System.Net;
using System.Net.Http.Headers;

namespace LineConnector.Core.Destinations;

public sealed record DestinationWebhookOptions
{
    public const string Section = "Destinations";

    /// <summary>A destination that has not answered by then is unavailable.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether http:// on a loopback address may be called: local mode and tests only; in Azure only https://.</summary>
    public bool AllowLoopbackHttp { get; set; }
}

/// <summary>
/// POSTs signed JSON to destination webhooks. It does not retry: an unavailable destination is
/// the routing rule's cue to try the next one, and the queue redelivers what must be retried.
/// </summary>
public sealed class DestinationWebhookClient(HttpClient http, DestinationWebhookOptions options, TimeProvider clock)
{
    public async Task<DestinationOutcome> PostAsync(Uri url, ReadOnlyMemory<byte> body, string signature, string deliveryId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (Refusal(url) is { } refusal)
        {
            return new DestinationOutcome(DestinationResult.Refused, null, refusal);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ReadOnlyMemoryContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(DestinationSignature.Header, signature);
        request.Headers.Add(DestinationSignature.DeliveryIdHeader, deliveryId);

        using var timeout = new CancellationTokenSource(options.Timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var status = (int)response.StatusCode;
            return status switch
            {
                >= 200 and < 300 => new DestinationOutcome(DestinationResult.Accepted, status, $"{Host(url)} answered {status}"),
                (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.TooManyRequests or >= 500 =>
                    new DestinationOutcome(DestinationResult.Unavailable, status, $"{Host(url)} answered {status} {response.ReasonPhrase}: unavailable"),
                _ => new DestinationOutcome(DestinationResult.Refused, status, $"{Host(url)} refused the message: {status} {response.ReasonPhrase}"),
            };
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new DestinationOutcome(DestinationResult.Unavailable, null, $"{Host(url)} did not answer within {options.Timeout.TotalSeconds:0.#} s: unavailable");
        }
        catch (HttpRequestException e)
        {
            return new DestinationOutcome(DestinationResult.Unavailable, null, $"{Host(url)} could not be reached ({e.HttpRequestError}): unavailable");
        }
    }

    /// <summary>Why a URL is not called: only https://, or http:// on loopback where allowed.</summary>
    private string? Refusal(Uri url)
    {
        if (!url.IsAbsoluteUri)
        {
            return $"The destination URL '{url}' is not absolute.";
        }

        if (url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback && options.AllowLoopbackHttp))
        {
            return null;
        }

        return url.Scheme == Uri.UriSchemeHttp && url.IsLoopback
            ? $"The destination URL {Host(url)} is http:// on loopback, which only local mode calls; use https://."
            : $"The destination URL {Host(url)} is {url.Scheme}://; destinations are called over https:// only.";
    }

    /// <summary>Scheme, host and path: a query string may hold a token and is left out of records.</summary>
    private static string Host(Uri url) => url.IsAbsoluteUri ? url.GetLeftPart(UriPartial.Path) : url.ToString();
}
