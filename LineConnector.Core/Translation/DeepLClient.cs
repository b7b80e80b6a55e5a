using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace LineConnector.Core.Translation;

/// <summary>Where <see cref="DeepLClient"/> calls DeepL, with which key.</summary>
/// <param name="Endpoint">Null: DeepL's free API for a key ending <c>:fx</c>, its paid API otherwise.</param>
public sealed record DeepLClientOptions(string Key, Uri? Endpoint = null)
{
    public static readonly Uri FreeEndpoint = new("https://api-free.deepl.com/");
    public static readonly Uri ProEndpoint = new("https://api.deepl.com/");

    /// <summary>Free API keys end <c>:fx</c> and work only on the free API's host.</summary>
    public Uri BaseAddress => Endpoint ?? (Key.EndsWith(":fx", StringComparison.Ordinal) ? FreeEndpoint : ProEndpoint);

    public override string ToString() => $"DeepLClientOptions {{ Key = set, Endpoint = {BaseAddress} }}";
}

/// <summary>
/// DeepL API: <c>POST {endpoint}/v2/translate</c> with <c>Authorization: DeepL-Auth-Key …</c> and a JSON body
/// (<c>text</c>, <c>target_lang</c>, <c>source_lang</c>). Kept pieces go as <c>&lt;x&gt;</c> elements with
/// <c>tag_handling=xml</c> and <c>ignore_tags=["x"]</c> (DeepL's own no-translate markup), only when a text has one.
/// Language codes as <see cref="LanguageCode.DeepLTarget"/> says.
/// </summary>
public sealed class DeepLClient(HttpClient http, DeepLClientOptions options) : ITextTranslator
{
    public const string ProviderName = "deepl";

    internal const string IgnoreTag = "x";
    private const string Open = "<" + IgnoreTag + ">";
    private const string Close = "</" + IgnoreTag + ">";

    /// <summary>DeepL takes at most 50 texts per request; a reply has at most 5 messages.</summary>
    public const int MaxTexts = 50;

    public async Task<IReadOnlyList<TranslatedText>> TranslateAsync(IReadOnlyList<MarkedText> texts, string to, string? from, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(texts.Count, MaxTexts);
        var xml = texts.Any(t => t.HasKept);
        var body = new DeepLRequest
        {
            Text = texts.Select(t => xml ? t.ToMarkup(Open, Close) : string.Concat(t.Pieces.Select(p => p.Text))).ToList(),
            TargetLang = LanguageCode.DeepLTarget(to),
            SourceLang = from is null ? null : LanguageCode.DeepLSource(from),
            TagHandling = xml ? "xml" : null,
            IgnoreTags = xml ? [IgnoreTag] : null,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(options.BaseAddress.AbsoluteUri.TrimEnd('/') + "/v2/translate"))
        {
            Content = JsonContent.Create(body, TranslationJsonContext.Default.DeepLRequest),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("DeepL-Auth-Key", options.Key);

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new TranslationException(ProviderName, 0, "unreachable", $"DeepL could not be reached: {e.HttpRequestError}.", e);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            var status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                throw Failure(status, text);
            }

            DeepLResponse? answer;
            try
            {
                answer = JsonSerializer.Deserialize(text, TranslationJsonContext.Default.DeepLResponse);
            }
            catch (JsonException)
            {
                answer = null;
            }

            if (answer?.Translations is not { } translations || translations.Count != texts.Count || translations.Any(t => t.Text is null))
            {
                throw new TranslationException(ProviderName, status, "unreadable-answer", $"DeepL answered {status} with a body that is not one translation per text.");
            }

            return texts.Select((t, i) => new TranslatedText(
                xml ? t.FromMarkup(translations[i].Text!, Open, Close) : new MarkedText([new TextPiece(translations[i].Text!, false)]),
                translations[i].DetectedSourceLanguage is { } detected ? LanguageCode.FromDeepL(detected) : null)).ToList();
        }
    }

    /// <summary>DeepL's statuses (API reference, "Errors"): 403 the key, 429 too many requests, 456 the quota used up.</summary>
    private static TranslationException Failure(int status, string body)
    {
        string? message = null;
        try
        {
            message = JsonSerializer.Deserialize(body, TranslationJsonContext.Default.DeepLError)?.Message;
        }
        catch (JsonException)
        {
            // Not DeepL's error body: the status says enough.
        }

        var code = status switch
        {
            400 => "bad-request",
            403 => "forbidden",
            404 => "not-found",
            413 => "too-large",
            429 => "too-many-requests",
            456 => "quota-exceeded",
            >= 500 => "unavailable",
            _ => null,
        };
        var why = status switch
        {
            403 => " (the key is wrong, or a free key was sent to the paid API)",
            456 => " (the account's character quota is used up)",
            _ => "",
        };
        return new TranslationException(ProviderName, status, code, $"DeepL answered {status}{why}{(message is { Length: > 0 } m ? ": " + AzureTranslatorClient.Shorten(m) : "")}.");
    }
}
