using LineConnector.Core.Enquiries;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LineConnector.Functions.Enquiries;

/// <summary>
/// Conversation control for operators under <c>/api/manage</c> (function key in Azure; <c>line-connector enquiries</c>
/// and <c>line-connector notify</c>): the same moves, close, inject and notify as destinations have, recorded as
/// made by <c>operator</c>, with results of notifications kept in the outbound records rather than reported.
/// </summary>
public static class ManageConversationEndpoints
{
    public const string EnquiriesRoute = "/api/manage/enquiries";

    public static void MapManageConversation(this IEndpointRouteBuilder endpoints)
    {
        var enquiries = endpoints.MapGroup(EnquiriesRoute).WithTags("Conversation control").DisableAntiforgery();
        enquiries.MapPost("/{id}/handover", (string id, HttpRequest request, EnquiryService service, CancellationToken cancellationToken) =>
                MoveAsync(id, MoveKind.Handover, request, service, cancellationToken))
            .WithName("OperatorHandOverEnquiry").Accepts<EnquiryMoveRequest>("application/json")
            .WithSummary("Hands an enquiry that is with a bot to staff: the named staff destination, or the channel's handover rule's choice.");
        enquiries.MapPost("/{id}/transfer", (string id, HttpRequest request, EnquiryService service, CancellationToken cancellationToken) =>
                MoveAsync(id, MoveKind.Transfer, request, service, cancellationToken))
            .WithName("OperatorTransferEnquiry").Accepts<EnquiryMoveRequest>("application/json")
            .WithSummary("Passes an enquiry that is with staff to another staff destination.");
        enquiries.MapPost("/{id}/handback", (string id, HttpRequest request, EnquiryService service, CancellationToken cancellationToken) =>
                MoveAsync(id, MoveKind.Handback, request, service, cancellationToken))
            .WithName("OperatorHandBackEnquiry").Accepts<EnquiryMoveRequest>("application/json")
            .WithSummary("Hands an enquiry that is with staff back to a bot.");
        enquiries.MapPost("/{id}/close", CloseAsync).WithName("OperatorCloseEnquiry").Accepts<CloseRequest>("application/json")
            .WithSummary("Closes the enquiry and sends the channel's close message.");
        enquiries.MapPost("/{id}/inject", InjectAsync).WithName("OperatorInjectIntoEnquiry").Accepts<InjectRequest>("application/json")
            .WithSummary("Queues a synthetic user input for the enquiry's destination, in order with the user's events.");
        endpoints.MapPost("/api/manage/channels/{id}/notify", NotifyAsync).WithTags("Conversation control").DisableAntiforgery()
            .WithName("OperatorNotify").Accepts<NotifyRequest>("application/json")
            .WithSummary("Queues 1 to 5 messages for a LINE user, group or room (push), or up to 500 users (multicast).");
    }

    private static async Task<Ok<MoveResult>> MoveAsync(string id, MoveKind kind, HttpRequest request, EnquiryService service, CancellationToken cancellationToken)
    {
        var access = await service.EnquiryForOperatorAsync(id, cancellationToken);
        var body = await EnquiryEndpoints.ReadAsync(request, EnquiryApiJsonContext.Default.EnquiryMoveRequest, required: false, cancellationToken) ?? new EnquiryMoveRequest();
        return TypedResults.Ok(await service.MoveAsync(access, kind, body, cancellationToken));
    }

    private static async Task<Ok<EnquiryResource>> CloseAsync(string id, HttpRequest request, EnquiryService service, CancellationToken cancellationToken)
    {
        var access = await service.EnquiryForOperatorAsync(id, cancellationToken);
        var body = await EnquiryEndpoints.ReadAsync(request, EnquiryApiJsonContext.Default.CloseRequest, required: false, cancellationToken) ?? new CloseRequest();
        return TypedResults.Ok(await service.CloseAsync(access, body, cancellationToken));
    }

    private static async Task<Accepted<InjectAccepted>> InjectAsync(string id, HttpRequest request, EnquiryService service, CancellationToken cancellationToken)
    {
        var access = await service.EnquiryForOperatorAsync(id, cancellationToken);
        var body = await EnquiryEndpoints.ReadAsync(request, EnquiryApiJsonContext.Default.InjectRequest, required: true, cancellationToken);
        return TypedResults.Accepted((string?)null, await service.InjectAsync(access, body!, EnquiryEndpoints.IdempotencyKey(request), cancellationToken));
    }

    private static async Task<Accepted<NotifyAccepted>> NotifyAsync(string id, HttpRequest request, EnquiryService service, CancellationToken cancellationToken)
    {
        var access = await service.ChannelForOperatorAsync(id, cancellationToken);
        var body = await EnquiryEndpoints.ReadAsync(request, EnquiryApiJsonContext.Default.NotifyRequest, required: true, cancellationToken);
        return TypedResults.Accepted((string?)null, await service.NotifyAsync(access, body!, EnquiryEndpoints.IdempotencyKey(request), cancellationToken));
    }
}
