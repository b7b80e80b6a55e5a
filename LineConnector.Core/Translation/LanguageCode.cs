namespace LineConnector.Core.Translation;

/// <summary>
/// Language codes as the channel's settings and the enquiry API take them: BCP 47 tags as Azure AI Translator
/// writes them (<c>en</c>, <c>ja</c>, <c>zh-Hans</c>, <c>pt-PT</c>), compared case-insensitively, and how DeepL
/// spells each (docs/configuration.md, "Real-time translation").
/// </summary>
public static class LanguageCode
{
    public const string Rule = "a language code: 2 or 3 letters, optionally followed by subtags of 2 to 8 letters or digits, e.g. en, ja, zh-Hans, pt-BR";

    public static bool IsValid(string? code)
    {
        if (code is null || code.Length > 35)
        {
            return false;
        }

        var parts = code.Split('-');
        return parts[0].Length is 2 or 3 && parts[0].All(char.IsAsciiLetter)
            && parts.Skip(1).All(p => p.Length is >= 2 and <= 8 && p.All(char.IsAsciiLetterOrDigit));
    }

    /// <summary>The language without region or script: <c>pt</c> of <c>pt-BR</c>, lower case.</summary>
    public static string Primary(string code) => code.Split('-')[0].ToLowerInvariant();

    /// <summary>Whether text in <paramref name="a"/> needs no translation for a reader of <paramref name="b"/>: same primary language, and for Chinese the same script.</summary>
    public static bool Same(string a, string b) =>
        Primary(a) == Primary(b) && (Primary(a) != "zh" || ChineseScript(a) == ChineseScript(b));

    /// <summary>
    /// DeepL's <c>target_lang</c>: upper case; DeepL wants a variant for English (<c>en</c> is <c>EN-US</c>, <c>en-GB</c> stays),
    /// Portuguese (<c>pt</c> is <c>PT-PT</c>, <c>pt-BR</c> stays) and Chinese (<c>ZH-HANS</c> or <c>ZH-HANT</c>); any other
    /// language is its primary subtag (<c>de-AT</c> is <c>DE</c>).
    /// </summary>
    public static string DeepLTarget(string code) => Primary(code) switch
    {
        "en" => code.Equals("en-GB", StringComparison.OrdinalIgnoreCase) || code.Equals("en-UK", StringComparison.OrdinalIgnoreCase) ? "EN-GB" : "EN-US",
        "pt" => code.Equals("pt-BR", StringComparison.OrdinalIgnoreCase) ? "PT-BR" : "PT-PT",
        "zh" => ChineseScript(code) == "hant" ? "ZH-HANT" : "ZH-HANS",
        var primary => primary.ToUpperInvariant(),
    };

    /// <summary>DeepL's <c>source_lang</c>: the primary subtag, upper case (DeepL's source languages have no variants).</summary>
    public static string DeepLSource(string code) => Primary(code).ToUpperInvariant();

    /// <summary>A language DeepL reports (<c>JA</c>, <c>EN</c>) as this connector writes codes (<c>ja</c>, <c>en</c>).</summary>
    public static string FromDeepL(string code) => code.ToLowerInvariant();

    private static string ChineseScript(string code)
    {
        var lower = code.ToLowerInvariant();
        return lower.Contains("-hant", StringComparison.Ordinal) || lower.EndsWith("-tw", StringComparison.Ordinal) || lower.EndsWith("-hk", StringComparison.Ordinal) || lower.EndsWith("-mo", StringComparison.Ordinal)
            ? "hant"
            : "hans";
    }
}
