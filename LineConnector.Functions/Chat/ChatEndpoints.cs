using LineConnector.Core.Chat;
using LineConnector.Core.Enquiries;
using LineConnector.Functions.Enquiries;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LineConnector.Functions.Chat;

/// <summary>
/// LINE's own features on the enquiry API: <c>POST /api/enquiries/{id}/read</c> marks the user's messages
/// as read (the bearer is the destination's secret, checked before anything is looked up, as on every
/// enquiry route). The answer says what came of it; LINE refusing is an outcome, not an error.
/// </summary>
public static class ChatEndpoints
{
    public static void MapLineExtras(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(EnquiryEndpoints.EnquiriesRoute + "/{id}/read", ReadAsync).WithTags("Enquiries").WithName("MarkEnquiryRead").DisableAntiforgery()
            .WithSummary("Marks the user's messages of this enquiry as read in LINE, up to the latest one (the channel's read receipts must be on).");
    }

    private static async Task<Ok<ReadReceipt>> ReadAsync(string id, HttpRequest request, EnquiryService service, LoggedReadReceipts receipts, CancellationToken cancellationToken)
    {
        var access = await service.AuthorizeAsync(id, EnquiryEndpoints.Bearer(request), cancellationToken);
        return TypedResults.Ok(await receipts.MarkAsync(access, "read call", cancellationToken));
    }
}
