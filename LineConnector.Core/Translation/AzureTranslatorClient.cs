using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace LineConnector.Core.Translation;

/// <summary>Where and how <see cref="AzureTranslatorClient"/> calls Azure AI Translator.</summary>
/// <param name="Endpoint">The global endpoint (<see cref="AzureTranslatorClient.GlobalEndpoint"/>), or a resource's custom-subdomain <c>…/translator/text/v3.0</c>.</param>
/// <param name="Region">The resource's region: required by regional and multi-service resources, and with a token on the global endpoint.</param>
/// <param name="ResourceId">With a token on the global endpoint: the resource's id (<c>Ocp-Apim-ResourceId</c>).</param>
public sealed record AzureTranslatorClientOptions(Uri Endpoint, TranslatorCredential Credential, string? Region = null, string? ResourceId = null);

/// <summary>
/// Azure AI Translator, Text Translation REST API v3.0: <c>POST {endpoint}/translate?api-version=3.0&amp;to=…[&amp;from=…]</c> with
/// <c>[{"Text": "…"}]</c>. Kept pieces go as <c>&lt;span class="notranslate"&gt;</c> with <c>textType=html</c> (Translator's own
/// no-translate markup), only when a text has one. Signs with the key (<c>Ocp-Apim-Subscription-Key</c>, and
/// <c>Ocp-Apim-Subscription-Region</c> when a region is set) or a Microsoft Entra token (<c>Authorization: Bearer</c>, with
/// <c>Ocp-Apim-ResourceId</c> and the region on the global endpoint).
/// </summary>
public sealed class AzureTranslatorClient(HttpClient http, AzureTranslatorClientOptions options) : ITextTranslator
{
    public const string ProviderName = "azure-translator";

    /// <summary>The Microsoft Entra scope of Azure AI services.</summary>
    public const string Scope = "https://cognitiveservices.azure.com/.default";

    public static readonly Uri GlobalEndpoint = new("https://api.cognitive.microsofttranslator.com/");

    /// <summary>Translator does not translate the content of an element with this class (Translator v3 reference, "Translate", textType html).</summary>
    internal const string NoTranslateOpen = "<span class=\"notranslate\">";
    internal const string NoTranslateClose = "</span>";

    /// <summary>At most 1,000 elements and 50,000 characters per request (Translator v3 limits); a reply has at most 5 messages.</summary>
    public const int MaxTexts = 1_000;

    public async Task<IReadOnlyList<TranslatedText>> TranslateAsync(IReadOnlyList<MarkedText> texts, string to, string? from, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(texts.Count, MaxTexts);
        var html = texts.Any(t => t.HasKept);
        var query = $"translate?api-version=3.0&to={Uri.EscapeDataString(to)}{(from is null ? "" : "&from=" + Uri.EscapeDataString(from))}{(html ? "&textType=html" : "")}";
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(options.Endpoint.AbsoluteUri.TrimEnd('/') + "/" + query))
        {
            Content = JsonContent.Create(
                texts.Select(t => new AzureTranslateItem(html ? t.ToMarkup(NoTranslateOpen, NoTranslateClose) : string.Concat(t.Pieces.Select(p => p.Text)))).ToList(),
                TranslationJsonContext.Default.IReadOnlyListAzureTranslateItem),
        };
        await SignAsync(request, cancellationToken);

        using var response = await SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw Failure((int)response.StatusCode, body);
        }

        IReadOnlyList<AzureTranslateResult>? results;
        try
        {
            results = JsonSerializer.Deserialize(body, TranslationJsonContext.Default.IReadOnlyListAzureTranslateResult);
        }
        catch (JsonException)
        {
            results = null;
        }

        if (results is null || results.Count != texts.Count || results.Any(r => r.Translations is not [{ Text: not null }, ..]))
        {
            throw new TranslationException(ProviderName, (int)response.StatusCode, "unreadable-answer", $"Azure AI Translator answered {(int)response.StatusCode} with a body that is not one translation per text.");
        }

        return texts.Select((t, i) =>
        {
            var translated = results[i].Translations![0].Text!;
            return new TranslatedText(html ? t.FromMarkup(translated, NoTranslateOpen, NoTranslateClose) : new MarkedText([new TextPiece(translated, false)]), results[i].DetectedLanguage?.Language);
        }).ToList();
    }

    private async Task SignAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (options.Credential.Key is { } key)
        {
            request.Headers.Add("Ocp-Apim-Subscription-Key", key);
        }
        else
        {
            var token = await options.Credential.Tokens!.GetTokenAsync(Scope, cancellationToken);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (options.ResourceId is { } resourceId)
            {
                request.Headers.Add("Ocp-Apim-ResourceId", resourceId);
            }
        }

        if (options.Region is { } region)
        {
            request.Headers.Add("Ocp-Apim-Subscription-Region", region);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new TranslationException(ProviderName, 0, "unreachable", $"Azure AI Translator could not be reached: {e.HttpRequestError}.", e);
        }
    }

    private static TranslationException Failure(int status, string body)
    {
        AzureError? error = null;
        try
        {
            error = JsonSerializer.Deserialize(body, TranslationJsonContext.Default.AzureErrorBody)?.Error;
        }
        catch (JsonException)
        {
            // Not Translator's error body (a proxy's page): the status says enough.
        }

        var code = error is { Code: > 0 } e ? e.Code.ToString(CultureInfo.InvariantCulture) : null;
        var message = error?.Message is { Length: > 0 } m ? ": " + Shorten(m) : "";
        return new TranslationException(ProviderName, status, code, $"Azure AI Translator answered {status}{(code is null ? "" : $" (error {code})")}{message}.");
    }

    /// <summary>A provider's message as part of a sentence of ours: at most 200 characters, without its own full stop.</summary>
    internal static string Shorten(string text)
    {
        text = text.TrimEnd().TrimEnd('.');
        return text.Length <= 200 ? text : text[..200] + "…";
    }
}
