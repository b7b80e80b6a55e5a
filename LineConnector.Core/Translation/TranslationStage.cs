using System.Text.Json;
using System.Text.Json.Nodes;
using LineConnector.Core.Channels;
using LineConnector.Core.Telemetry;

namespace LineConnector.Core.Translation;

/// <summary>
/// What a translation did, as destinations see it (<c>translation</c> of an event they receive, of a reply's answer
/// and of its delivery report). Never a key.
/// </summary>
/// <param name="Provider"><c>azure-translator</c> or <c>deepl</c>.</param>
/// <param name="TargetLanguage">The language translated into; null when a reply's user language is not known yet.</param>
public sealed record TranslationInfo(string Provider, string? TargetLanguage)
{
    /// <summary>The language of the original: detected by the provider, or the one given.</summary>
    public string? SourceLanguage { get; init; }

    /// <summary>For an event: the user's text as they wrote it (the event's <c>message.text</c> is the translation).</summary>
    public string? OriginalText { get; init; }

    /// <summary>The text went on untranslated because the provider failed (<see cref="Reason"/>, <see cref="ProviderStatus"/>, <see cref="ProviderErrorCode"/>).</summary>
    public bool Failed { get; init; }

    /// <summary>Why the text is untranslated, when it is.</summary>
    public string? Reason { get; init; }

    /// <summary>The provider's HTTP status when it failed; 0: not reached, or no answer within the timeout.</summary>
    public int? ProviderStatus { get; init; }

    public string? ProviderErrorCode { get; init; }
}

/// <summary>What the stage made of a message: the message to pass on, what the translation did (null: nothing to translate), a note for the record.</summary>
/// <param name="DetectedLanguage">The user's language as the provider detected it in this text.</param>
public sealed record TranslationOutcome(JsonElement Value, TranslationInfo? Info, string? Note, string? DetectedLanguage = null);

/// <summary>
/// The translation stage of the message pipeline (docs/configuration.md, "Real-time translation"). A user's text
/// event going to a <b>staff</b> destination is translated into the staff language, after <c>handleInput</c>; a staff
/// destination's reply (<c>text</c> and <c>textV2</c> messages, placeholders kept) into the user's language, after
/// <c>handleOutput</c> and before the outbound checks. A failure of any kind (the provider's error, no answer within
/// the channel's timeout, no key) lets the message go on untranslated with <see cref="TranslationInfo.Failed"/>, a
/// note, and a count in <see cref="ConnectorMetrics.TranslationFailuresName"/>. Notes carry no text.
/// </summary>
public sealed class TranslationStage(TextTranslators translators)
{
    public const string ToStaff = "to-staff";
    public const string ToUser = "to-user";

    /// <summary>Translates the text of a user's message event for a staff destination; null when there is nothing to do.</summary>
    public async Task<TranslationOutcome?> ForStaffAsync(Channel channel, Channels.Destination destination, EnquiryLanguages languages, JsonElement webhookEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(languages);
        var settings = channel.Settings.Translation;
        if (!settings.Enabled || destination.Kind != DestinationKind.Staff || UserText(webhookEvent) is not { } text || settings.StaffLanguage is not { } to)
        {
            return null;
        }

        var from = languages.GivenLanguage(settings);
        if (from is not null && LanguageCode.Same(from, to))
        {
            return null;
        }

        var provider = TranslationTexts.Provider.Format(settings.Provider);
        var (translated, failure) = await TranslateAsync(channel, [MarkedText.Parse(text, settings.Marker)], to, from, cancellationToken);
        if (failure is not null)
        {
            ConnectorMetrics.TranslationFailed(channel.Id, provider, ToStaff, failure.Status);
            return new TranslationOutcome(webhookEvent, Failed(provider, to, failure) with { SourceLanguage = from, OriginalText = text }, $"The user's text was not translated for {destination.Id}: {failure.Message} It went on untranslated.");
        }

        var result = translated![0];
        var node = JsonNode.Parse(webhookEvent.GetRawText())!;
        node["message"]!["text"] = result.Text.Join(settings.Marker, settings.RemoveMarkers);
        // A given language is not detected (DeepL reports the source it was given as detected).
        var detected = from is null ? result.DetectedLanguage : null;
        var source = detected ?? from;
        return new TranslationOutcome(
            Element(node),
            new TranslationInfo(provider, to) { SourceLanguage = source, OriginalText = text },
            $"The user's text was translated by {provider} from {source ?? "an undetected language"} into {to} for {destination.Id}.",
            detected);
    }

    /// <summary>Translates a staff destination's reply (a JSON array of LINE message objects) into the user's language; null when there is nothing to do.</summary>
    public async Task<TranslationOutcome?> ForUserAsync(Channel channel, Channels.Destination? destination, EnquiryLanguages languages, JsonElement messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(languages);
        var settings = channel.Settings.Translation;
        if (!settings.Enabled || destination?.Kind != DestinationKind.Staff || messages.ValueKind != JsonValueKind.Array || settings.StaffLanguage is not { } from)
        {
            return null;
        }

        var texts = messages.EnumerateArray().Select((m, i) => (Index: i, Type: Type(m), Text: m.ValueKind == JsonValueKind.Object && m.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null))
            .Where(m => m.Type is "text" or "textV2" && !string.IsNullOrEmpty(m.Text))
            .ToList();
        if (texts.Count == 0)
        {
            return null;
        }

        var provider = TranslationTexts.Provider.Format(settings.Provider);
        if (languages.UserLanguage(settings) is not { } to)
        {
            return new TranslationOutcome(messages, new TranslationInfo(provider, null) { SourceLanguage = from, Reason = "the user's language is not known yet: nothing they wrote was translated so far" },
                "The reply was not translated: the user's language is not known yet.");
        }

        if (LanguageCode.Same(from, to))
        {
            return null;
        }

        var marked = texts.Select(m => m.Type == "textV2" ? MarkedText.Parse(m.Text!, settings.Marker).KeepPlaceholders() : MarkedText.Parse(m.Text!, settings.Marker)).ToList();
        var (translated, failure) = await TranslateAsync(channel, marked, to, from, cancellationToken);
        if (failure is not null)
        {
            ConnectorMetrics.TranslationFailed(channel.Id, provider, ToUser, failure.Status);
            return new TranslationOutcome(messages, Failed(provider, to, failure) with { SourceLanguage = from }, $"The reply was not translated: {failure.Message} It goes on untranslated.");
        }

        var array = JsonNode.Parse(messages.GetRawText())!.AsArray();
        for (var i = 0; i < texts.Count; i++)
        {
            array[texts[i].Index]!["text"] = translated![i].Text.Join(settings.Marker, settings.RemoveMarkers);
        }

        return new TranslationOutcome(
            Element(array),
            new TranslationInfo(provider, to) { SourceLanguage = from },
            $"The reply was translated by {provider} from {from} into {to}.");
    }

    /// <summary><c>message.text</c> of a user's text message event (as LINE sends it, or injected).</summary>
    private static string? UserText(JsonElement webhookEvent) =>
        webhookEvent.ValueKind == JsonValueKind.Object
        && webhookEvent.TryGetProperty("type", out var type) && type.ValueEquals("message")
        && webhookEvent.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object
        && message.TryGetProperty("type", out var kind) && kind.ValueEquals("text")
        && message.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String && text.GetString() is { Length: > 0 } value
            ? value
            : null;

    private static string? Type(JsonElement message) =>
        message.ValueKind == JsonValueKind.Object && message.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null;

    /// <summary>One call within the channel's timeout, the key read included; any failure is returned, never thrown (but the caller's cancellation).</summary>
    private async Task<(IReadOnlyList<TranslatedText>? Translated, TranslationException? Failure)> TranslateAsync(
        Channel channel, IReadOnlyList<MarkedText> texts, string to, string? from, CancellationToken cancellationToken)
    {
        var settings = channel.Settings.Translation;
        var provider = TranslationTexts.Provider.Format(settings.Provider);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            var translator = await translators.ForAsync(channel.Id, settings, timeout.Token);
            return (await translator.TranslateAsync(texts, to, from, timeout.Token), null);
        }
        catch (TranslationException e)
        {
            return (null, e);
        }
        catch (SecretStoreException e)
        {
            return (null, new TranslationException(provider, 0, "key-unreadable", $"The translator key could not be read: {e.Message}", e));
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, new TranslationException(provider, 0, "timeout", $"{provider} did not answer within {settings.TimeoutMilliseconds} ms.", e));
        }
    }

    private static TranslationInfo Failed(string provider, string to, TranslationException failure) => new(provider, to)
    {
        Failed = true,
        Reason = failure.Message,
        ProviderStatus = failure.Status,
        ProviderErrorCode = failure.ErrorCode,
    };

    private static JsonElement Element(JsonNode node)
    {
        using var document = JsonDocument.Parse(node.ToJsonString());
        return document.RootElement.Clone();
    }
}
