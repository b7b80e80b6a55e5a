using LineConnector.Core.Channels;

namespace LineConnector.Core.Translation;

/// <summary>
/// What an enquiry knows of its user's language: the one set for it (the enquiry API), and the languages the
/// provider detected in the user's latest texts, oldest first (at most <see cref="TranslationSettings.MaxDetectionInputs"/>).
/// </summary>
public sealed record EnquiryLanguages(string? Chosen, IReadOnlyList<string> Detected)
{
    public static EnquiryLanguages None { get; } = new(null, []);

    /// <summary>
    /// The language replies are translated into: the one set for the enquiry; else the channel's fixed user language;
    /// else the most frequent of the last <see cref="TranslationSettings.DetectionInputs"/> detected (a tie goes to the
    /// latest); null while nothing is detected.
    /// </summary>
    public string? UserLanguage(TranslationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (Chosen is not null)
        {
            return Chosen;
        }

        if (settings.UserLanguage != TranslationSettings.Auto)
        {
            return settings.UserLanguage;
        }

        var recent = Detected.TakeLast(settings.DetectionInputs).ToList();
        return recent.Count == 0
            ? null
            : recent.Select((language, i) => (language, i))
                .GroupBy(x => x.language, StringComparer.OrdinalIgnoreCase)
                .OrderByDescending(g => g.Count()).ThenByDescending(g => g.Max(x => x.i))
                .First().Key;
    }

    /// <summary>The language the user writes in as far as it is known before their text is translated: set for the enquiry, or the channel's fixed one.</summary>
    public string? GivenLanguage(TranslationSettings settings) =>
        Chosen ?? (settings.UserLanguage == TranslationSettings.Auto ? null : settings.UserLanguage);

    public EnquiryLanguages WithDetected(IEnumerable<string> languages) =>
        this with { Detected = [.. Detected.Concat(languages).TakeLast(TranslationSettings.MaxDetectionInputs)] };

    /// <summary>As stored: <c>ja,ja,en</c>.</summary>
    public string? DetectedText => Detected.Count == 0 ? null : string.Join(',', Detected);

    public static IReadOnlyList<string> ParseDetected(string? text) =>
        [.. (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Where(LanguageCode.IsValid)];
}
