using System.Text.Json;
using System.Text.Json.Serialization;
using LineConnector.Core.Enquiries;

namespace LineConnector.Core.Translation;

/// <summary>Body of <c>PUT /api/enquiries/{id}/language</c> (and the operator's <c>/api/manage/enquiries/{id}/language</c>).</summary>
/// <param name="Language">The language staff replies are translated into for this enquiry (a language code), or <c>auto</c> (or null) to go back to the channel's setting.</param>
public sealed record EnquiryLanguageRequest(string? Language);

/// <summary>What an enquiry knows of its user's language.</summary>
/// <param name="UserLanguage">What staff replies are translated into now; null while it is not known (nothing detected yet).</param>
/// <param name="Chosen">The language set for the enquiry, if any.</param>
/// <param name="Detected">The languages detected in the user's latest texts, oldest first.</param>
/// <param name="StaffLanguage">The channel's staff language.</param>
public sealed record EnquiryLanguageResource(string EnquiryId, string? UserLanguage, string? Chosen, IReadOnlyList<string> Detected, string? StaffLanguage, bool TranslationEnabled);

/// <summary>Sets or clears the user's language of one enquiry (staff know it better than detection, or the user asked).</summary>
public sealed class EnquiryLanguageService(EnquiryStore enquiries)
{
    public async Task<EnquiryLanguageResource> SetAsync(EnquiryAccess access, EnquiryLanguageRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(request);
        var chosen = request.Language is null || request.Language.Equals(Channels.TranslationSettings.Auto, StringComparison.OrdinalIgnoreCase) ? null : request.Language;
        if (chosen is not null && !LanguageCode.IsValid(chosen))
        {
            throw DomainException.Invalid("language", $"{Channels.TranslationSettings.Auto} (or null) for the channel's setting, or {LanguageCode.Rule}");
        }

        var updated = await enquiries.UpdateAsync(
            access.Enquiry,
            e => e.Languages.Chosen == chosen ? null : new EnquiryWrite(e with { Languages = e.Languages with { Chosen = chosen } }),
            cancellationToken) ?? access.Enquiry;
        return Of(access.Channel, updated);
    }

    public static EnquiryLanguageResource Of(Channels.Channel channel, StoredEnquiry enquiry)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(enquiry);
        var settings = channel.Settings.Translation;
        return new EnquiryLanguageResource(enquiry.Id, enquiry.Languages.UserLanguage(settings), enquiry.Languages.Chosen, enquiry.Languages.Detected, settings.StaffLanguage, settings.Enabled);
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EnquiryLanguageRequest))]
[JsonSerializable(typeof(EnquiryLanguageResource))]
public sealed partial class TranslationApiJsonContext : JsonSerializerContext;
