using LineConnector.Core.Enquiries;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LineConnector.Functions.Enquiries;

/// <summary>
/// Conversation control for destinations (DESIGN §5): <c>POST /api/enquiries/{id}/handover</c> (a bot hands
/// the enquiry to staff), <c>/transfer</c> (staff pass it on) and <c>/handback</c> (staff hand it back to a
/// bot). The bearer is the secret of the enquiry's destination, checked before anything is looked up.
/// </summary>
public static class EnquiryMoveEndpoints
{
    public static void MapEnquiryMoves(this IEndpointRouteBuilder endpoints)
    {
        var enquiries = endpoints.MapGroup(EnquiryEndpoints.EnquiriesRoute).WithTags("Enquiries").DisableAntiforgery();
        enquiries.MapPost("/{id}/handover", (string id, HttpRequest request, EnquiryService service, CancellationToken cancellationToken) =>
                MoveAsync(id, MoveKind.Handover, request, service, cancellationToken))
            .WithName("HandOverEnquiry").Accepts<EnquiryMoveRequest>("application/json")
            .WithSummary("A bot hands the enquiry to staff: the named staff destination, or the channel's handover rule's choice.");
        enquiries.MapPost("/{id}/transfer", (string id, HttpRequest request, EnquiryService service, CancellationToken cancellationToken) =>
                MoveAsync(id, MoveKind.Transfer, request, service, cancellationToken))
            .WithName("TransferEnquiry").Accepts<EnquiryMoveRequest>("application/json")
            .WithSummary("Staff pass the enquiry to another staff destination: the named one, or the handover rule's choice without them.");
        enquiries.MapPost("/{id}/handback", (string id, HttpRequest request, EnquiryService service, CancellationToken cancellationToken) =>
                MoveAsync(id, MoveKind.Handback, request, service, cancellationToken))
            .WithName("HandBackEnquiry").Accepts<EnquiryMoveRequest>("application/json")
            .WithSummary("Staff hand the enquiry back to a bot: the named one, or the bot that handed it over.");
    }

    private static async Task<Ok<MoveResult>> MoveAsync(string id, MoveKind kind, HttpRequest request, EnquiryService service, CancellationToken cancellationToken)
    {
        var access = await service.AuthorizeAsync(id, EnquiryEndpoints.Bearer(request), cancellationToken);
        var body = await EnquiryEndpoints.ReadAsync(request, EnquiryApiJsonContext.Default.EnquiryMoveRequest, required: false, cancellationToken) ?? new EnquiryMoveRequest();
        return TypedResults.Ok(await service.MoveAsync(access, kind, body, cancellationToken));
    }
}
