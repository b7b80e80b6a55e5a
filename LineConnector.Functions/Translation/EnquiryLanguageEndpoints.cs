using LineConnector.Core.Enquiries;
using LineConnector.Core.Translation;
using LineConnector.Functions.Enquiries;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LineConnector.Functions.Translation;

/// <summary>
/// The user's language of one enquiry, for real-time translation: <c>PUT /api/enquiries/{id}/language</c> (the bearer is
/// the destination's secret) and <c>PUT /api/manage/enquiries/{id}/language</c> (operators; <c>line-connector enquiries language</c>).
/// </summary>
public static class EnquiryLanguageEndpoints
{
    private const string Summary = "Sets the language staff replies are translated into for this enquiry (auto: detected, or the channel's fixed one).";

    public static void MapEnquiryLanguage(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPut($"{EnquiryEndpoints.EnquiriesRoute}/{{id}}/language", SetAsync).WithTags("Enquiries").DisableAntiforgery()
            .WithName("SetEnquiryLanguage").Accepts<EnquiryLanguageRequest>("application/json")
            .WithSummary(Summary);
        endpoints.MapPut($"{ManageConversationEndpoints.EnquiriesRoute}/{{id}}/language", OperatorSetAsync).WithTags("Conversation control").DisableAntiforgery()
            .WithName("OperatorSetEnquiryLanguage").Accepts<EnquiryLanguageRequest>("application/json")
            .WithSummary(Summary);
    }

    private static async Task<Ok<EnquiryLanguageResource>> SetAsync(string id, HttpRequest request, EnquiryService service, EnquiryLanguageService languages, CancellationToken cancellationToken)
    {
        var access = await service.AuthorizeAsync(id, EnquiryEndpoints.Bearer(request), cancellationToken);
        var body = await EnquiryEndpoints.ReadAsync(request, TranslationApiJsonContext.Default.EnquiryLanguageRequest, required: true, cancellationToken);
        return TypedResults.Ok(await languages.SetAsync(access, body!, cancellationToken));
    }

    private static async Task<Ok<EnquiryLanguageResource>> OperatorSetAsync(string id, HttpRequest request, EnquiryService service, EnquiryLanguageService languages, CancellationToken cancellationToken)
    {
        var access = await service.EnquiryForOperatorAsync(id, cancellationToken);
        var body = await EnquiryEndpoints.ReadAsync(request, TranslationApiJsonContext.Default.EnquiryLanguageRequest, required: true, cancellationToken);
        return TypedResults.Ok(await languages.SetAsync(access, body!, cancellationToken));
    }
}
