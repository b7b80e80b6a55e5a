using System.Globalization;
using System.Text.Json.Serialization;
using LineConnector.Core.Translation;

namespace LineConnector.Core.Channels;

/// <summary>
/// A channel's real-time translation (Cognigy's "Real-Time Translation"): user text is translated into the
/// staff language before it reaches a staff destination, and staff replies into the user's language, by
/// <see cref="TranslationStage"/>. Text between two <see cref="Marker"/>s is never translated. The provider's
/// key is a secret (Key Vault <c>line-{channel id}-translator-key</c>), never part of these settings.
/// Setters: see <see cref="ChannelSettings"/>.
/// </summary>
public sealed record TranslationSettings
{
    /// <summary>The user's language is detected from what they write (<see cref="DetectionInputs"/>).</summary>
    public const string Auto = "auto";

    public const string DefaultMarker = "**";
    public const int MaxMarkerLength = 8;

    public const int DefaultDetectionInputs = 3;
    public const int MinDetectionInputs = 1;
    public const int MaxDetectionInputs = 20;

    public const int DefaultTimeoutMilliseconds = 3_000;
    public const int MinTimeoutMilliseconds = 200;
    public const int MaxTimeoutMilliseconds = 10_000;

    public bool Enabled { get; set; }

    public TranslationProvider Provider { get; set; } = TranslationProvider.AzureTranslator;

    /// <summary>How the connector signs in to the provider: a key in Key Vault, or (Azure AI Translator only) the app's managed identity.</summary>
    public TranslatorAuthentication Authentication { get; set; } = TranslatorAuthentication.Key;

    /// <summary>
    /// The provider's base address; null: Azure AI Translator's global endpoint, or DeepL's API (its free API for a key ending <c>:fx</c>).
    /// A custom-subdomain Translator resource is <c>https://{name}.cognitiveservices.azure.com/translator/text/v3.0</c>.
    /// </summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Azure AI Translator: the resource's region (<c>Ocp-Apim-Subscription-Region</c>), for regional and multi-service resources.</summary>
    public string? Region { get; set; }

    /// <summary>
    /// Azure AI Translator with the managed identity on the global endpoint: the resource's id
    /// (<c>/subscriptions/…/providers/Microsoft.CognitiveServices/accounts/{name}</c>, sent as <c>Ocp-Apim-ResourceId</c>).
    /// </summary>
    public string? ResourceId { get; set; }

    /// <summary>The language staff read and write (a language code such as <c>en</c>, <c>ja</c>, <c>zh-Hans</c>); required when enabled.</summary>
    public string? StaffLanguage { get; set; }

    /// <summary><see cref="Auto"/>: detected from the user's recent inputs; or a fixed language code.</summary>
    public string UserLanguage { get; set; } = Auto;

    /// <summary>How many of the user's most recent inputs decide their detected language (the most frequent wins; a tie goes to the latest).</summary>
    public int DetectionInputs { get; set; } = DefaultDetectionInputs;

    /// <summary>Text between two markers is never translated (e.g. <c>order **AB-1234**</c>).</summary>
    public string Marker { get; set; } = DefaultMarker;

    /// <summary>Whether the markers are taken out of what is delivered (the text between them stays).</summary>
    public bool RemoveMarkers { get; set; }

    /// <summary>How long one translation may take before the message goes on untranslated (200 to 10,000 ms).</summary>
    public int TimeoutMilliseconds { get; set; } = DefaultTimeoutMilliseconds;

    [JsonIgnore]
    public TimeSpan Timeout => TimeSpan.FromMilliseconds(TimeoutMilliseconds);

    public static IEnumerable<FieldError> Validate(TranslationSettings? settings, string field)
    {
        if (settings is null)
        {
            yield return new(field, "required (leave it out for no translation)");
            yield break;
        }

        if (!Enum.IsDefined(settings.Provider))
        {
            yield return new($"{field}.provider", $"must be {TranslationTexts.Provider.Choices}");
        }

        if (!Enum.IsDefined(settings.Authentication))
        {
            yield return new($"{field}.authentication", $"must be {TranslationTexts.Authentication.Choices}");
        }
        else if (settings.Authentication == TranslatorAuthentication.ManagedIdentity && settings.Provider == TranslationProvider.DeepL)
        {
            yield return new($"{field}.authentication", "DeepL takes only a key (managed-identity is for azure-translator)");
        }

        if (settings.Endpoint is { } endpoint && !IsUsableEndpoint(endpoint))
        {
            yield return new($"{field}.endpoint", $"an absolute https:// URL without query or fragment (http:// only to this machine) (got '{endpoint.OriginalString}')");
        }

        if (settings.Region is { } region && (region.Length is 0 or > 40 || !region.All(char.IsAsciiLetterOrDigit)))
        {
            yield return new($"{field}.region", $"an Azure region name of letters and digits, e.g. japaneast (got '{region}')");
        }

        if (settings.ResourceId is { } resourceId && (!resourceId.StartsWith("/subscriptions/", StringComparison.OrdinalIgnoreCase) || resourceId.Length > 400))
        {
            yield return new($"{field}.resourceId", "an Azure resource id starting /subscriptions/ (the Translator resource's)");
        }

        if (settings is { Enabled: true, Provider: TranslationProvider.AzureTranslator, Authentication: TranslatorAuthentication.ManagedIdentity, Endpoint: null }
            && (settings.ResourceId is null || settings.Region is null))
        {
            yield return new($"{field}.resourceId", "with the managed identity, give the Translator resource's custom-subdomain endpoint, or its resourceId and region for the global endpoint");
        }

        if (settings.StaffLanguage is null or "")
        {
            if (settings.Enabled)
            {
                yield return new($"{field}.staffLanguage", "required while translation is enabled: a language code such as en or ja");
            }
        }
        else if (!LanguageCode.IsValid(settings.StaffLanguage))
        {
            yield return new($"{field}.staffLanguage", $"{LanguageCode.Rule} (got '{settings.StaffLanguage}')");
        }

        if (settings.UserLanguage is null || (settings.UserLanguage != Auto && !LanguageCode.IsValid(settings.UserLanguage)))
        {
            yield return new($"{field}.userLanguage", $"{Auto}, or {LanguageCode.Rule} (got '{settings.UserLanguage}')");
        }

        if (settings.DetectionInputs < MinDetectionInputs || settings.DetectionInputs > MaxDetectionInputs)
        {
            yield return new($"{field}.detectionInputs", $"{MinDetectionInputs} to {MaxDetectionInputs} (got {N(settings.DetectionInputs)})");
        }

        if (settings.Marker is null || settings.Marker.Length is 0 or > MaxMarkerLength || settings.Marker.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or '&'))
        {
            yield return new($"{field}.marker", $"1 to {MaxMarkerLength} characters, no spaces and none of < > & (got '{settings.Marker}')");
        }

        if (settings.TimeoutMilliseconds < MinTimeoutMilliseconds || settings.TimeoutMilliseconds > MaxTimeoutMilliseconds)
        {
            yield return new($"{field}.timeoutMilliseconds", $"{N(MinTimeoutMilliseconds)} to {N(MaxTimeoutMilliseconds)} (got {N(settings.TimeoutMilliseconds)})");
        }
    }

    private static bool IsUsableEndpoint(Uri endpoint) =>
        endpoint.IsAbsoluteUri
        && string.IsNullOrEmpty(endpoint.Query) && string.IsNullOrEmpty(endpoint.Fragment)
        && (endpoint.Scheme == Uri.UriSchemeHttps || (endpoint.Scheme == Uri.UriSchemeHttp && endpoint.IsLoopback));

    private static string N(int value) => value.ToString("N0", CultureInfo.InvariantCulture);
}

/// <summary>Who translates: <c>azure-translator</c> (Azure AI Translator, Text Translation v3) or <c>deepl</c>.</summary>
[JsonConverter(typeof(TranslationProviderJson))]
public enum TranslationProvider
{
    AzureTranslator,
    DeepL,
}

/// <summary><c>key</c> (a key in Key Vault) or <c>managed-identity</c> (the app's identity; Azure AI Translator only).</summary>
[JsonConverter(typeof(TranslatorAuthenticationJson))]
public enum TranslatorAuthentication
{
    Key,
    ManagedIdentity,
}

/// <summary>The texts of the translation settings' enums.</summary>
public static class TranslationTexts
{
    public static readonly EnumText<TranslationProvider> Provider = new(
        (TranslationProvider.AzureTranslator, "azure-translator"),
        (TranslationProvider.DeepL, "deepl"));

    public static readonly EnumText<TranslatorAuthentication> Authentication = EnumText.Kebab<TranslatorAuthentication>();
}

internal sealed class TranslationProviderJson() : EnumTextJsonConverter<TranslationProvider>(TranslationTexts.Provider);

internal sealed class TranslatorAuthenticationJson() : EnumTextJsonConverter<TranslatorAuthentication>(TranslationTexts.Authentication);
