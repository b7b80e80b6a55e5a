using LineConnector.Core.Enquiries;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LineConnector.Functions.Enquiries;

/// <summary>
/// <c>POST /api/enquiries/{id}/inject</c>: a destination of the enquiry's channel puts a synthetic user input
/// into the conversation (Cognigy's Inject); it reaches the enquiry's destination in order with the user's events.
/// </summary>
public static class EnquiryInjectEndpoint
{
    public static void MapEnquiryInject(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost(EnquiryEndpoints.EnquiriesRoute + "/{id}/inject", InjectAsync).WithTags("Enquiries").DisableAntiforgery()
            .WithName("InjectIntoEnquiry").Accepts<InjectRequest>("application/json")
            .WithSummary("Queues a synthetic user input (text or postback data) for the enquiry's destination, marked \"injected\": true, in order with the user's events.");

    private static async Task<Accepted<InjectAccepted>> InjectAsync(string id, HttpRequest request, EnquiryService service, CancellationToken cancellationToken)
    {
        var access = await service.AuthorizeAsync(id, EnquiryEndpoints.Bearer(request), cancellationToken, anyOfChannel: true);
        var body = await EnquiryEndpoints.ReadAsync(request, EnquiryApiJsonContext.Default.InjectRequest, required: true, cancellationToken);
        return TypedResults.Accepted($"{EnquiryEndpoints.EnquiriesRoute}/{id}", await service.InjectAsync(access, body!, EnquiryEndpoints.IdempotencyKey(request), cancellationToken));
    }
}
