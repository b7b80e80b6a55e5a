using P = LineConnector.Core.Channels.ChannelProperties;

namespace LineConnector.Core.Channels;

/// <summary>A channel's <see cref="TranslationSettings"/> as <c>Translation*</c> properties of its <c>Channels</c> row.</summary>
internal static partial class ChannelEntities
{
    private static void AddTranslation(Dictionary<string, object?> properties, TranslationSettings t)
    {
        properties[P.TranslationEnabled] = t.Enabled;
        properties[P.TranslationProvider] = TranslationTexts.Provider.Format(t.Provider);
        properties[P.TranslationAuthentication] = TranslationTexts.Authentication.Format(t.Authentication);
        properties[P.TranslationEndpoint] = t.Endpoint?.OriginalString;
        properties[P.TranslationRegion] = t.Region;
        properties[P.TranslationResourceId] = t.ResourceId;
        properties[P.TranslationStaffLanguage] = t.StaffLanguage;
        properties[P.TranslationUserLanguage] = t.UserLanguage;
        properties[P.TranslationDetectionInputs] = t.DetectionInputs;
        properties[P.TranslationMarker] = t.Marker;
        properties[P.TranslationRemoveMarkers] = t.RemoveMarkers;
        properties[P.TranslationTimeoutMilliseconds] = t.TimeoutMilliseconds;
    }

    private static TranslationSettings ReadTranslation(RowReader r)
    {
        // A relative or unreadable URL is kept as such: validation names it (TranslationEndpoint) with the rule.
        var endpoint = r.Text(P.TranslationEndpoint, required: false) is { } text
            ? Uri.TryCreate(text, UriKind.RelativeOrAbsolute, out var parsed) ? parsed : new Uri(Uri.EscapeDataString(text), UriKind.Relative)
            : null;
        return new TranslationSettings
        {
            Enabled = r.Bool(P.TranslationEnabled),
            Provider = r.Enum(P.TranslationProvider, TranslationTexts.Provider, TranslationProvider.AzureTranslator) ?? TranslationProvider.AzureTranslator,
            Authentication = r.Enum(P.TranslationAuthentication, TranslationTexts.Authentication, TranslatorAuthentication.Key) ?? TranslatorAuthentication.Key,
            Endpoint = endpoint,
            Region = r.Text(P.TranslationRegion, required: false),
            ResourceId = r.Text(P.TranslationResourceId, required: false),
            StaffLanguage = r.Text(P.TranslationStaffLanguage, required: false),
            UserLanguage = r.Text(P.TranslationUserLanguage, required: false) ?? TranslationSettings.Auto,
            DetectionInputs = r.Int(P.TranslationDetectionInputs, TranslationSettings.DefaultDetectionInputs) ?? TranslationSettings.DefaultDetectionInputs,
            Marker = r.Text(P.TranslationMarker, required: false) ?? TranslationSettings.DefaultMarker,
            RemoveMarkers = r.Bool(P.TranslationRemoveMarkers),
            TimeoutMilliseconds = r.Int(P.TranslationTimeoutMilliseconds, TranslationSettings.DefaultTimeoutMilliseconds) ?? TranslationSettings.DefaultTimeoutMilliseconds,
        };
    }
}
