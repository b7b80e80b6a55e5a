using System.Text.Json;
using System.Text.Json.Serialization;

namespace LineConnector.Core.Translation;

/// <summary>Azure AI Translator v3 <c>translate</c> body item: <c>{"Text": "..."}</c>.</summary>
internal sealed record AzureTranslateItem([property: JsonPropertyName("Text")] string Text);

internal sealed record AzureTranslateResult(AzureDetectedLanguage? DetectedLanguage, IReadOnlyList<AzureTranslation>? Translations);

internal sealed record AzureDetectedLanguage(string? Language, double Score);

internal sealed record AzureTranslation(string? Text, string? To);

/// <summary>Azure AI Translator's error body: <c>{"error": {"code": 401000, "message": "..."}}</c>.</summary>
internal sealed record AzureErrorBody(AzureError? Error);

internal sealed record AzureError(long Code, string? Message);

/// <summary>DeepL <c>POST /v2/translate</c> body.</summary>
internal sealed record DeepLRequest
{
    [JsonPropertyName("text")]
    public required IReadOnlyList<string> Text { get; init; }

    [JsonPropertyName("target_lang")]
    public required string TargetLang { get; init; }

    [JsonPropertyName("source_lang")]
    public string? SourceLang { get; init; }

    [JsonPropertyName("tag_handling")]
    public string? TagHandling { get; init; }

    [JsonPropertyName("ignore_tags")]
    public IReadOnlyList<string>? IgnoreTags { get; init; }
}

internal sealed record DeepLResponse([property: JsonPropertyName("translations")] IReadOnlyList<DeepLTranslation>? Translations);

internal sealed record DeepLTranslation(
    [property: JsonPropertyName("detected_source_language")] string? DetectedSourceLanguage,
    [property: JsonPropertyName("text")] string? Text);

/// <summary>DeepL's error body: <c>{"message": "..."}</c>.</summary>
internal sealed record DeepLError([property: JsonPropertyName("message")] string? Message);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IReadOnlyList<AzureTranslateItem>))]
[JsonSerializable(typeof(IReadOnlyList<AzureTranslateResult>))]
[JsonSerializable(typeof(AzureErrorBody))]
[JsonSerializable(typeof(DeepLRequest))]
[JsonSerializable(typeof(DeepLResponse))]
[JsonSerializable(typeof(DeepLError))]
internal sealed partial class TranslationJsonContext : JsonSerializerContext;
