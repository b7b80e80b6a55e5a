using LineConnector.Core.Enquiries;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LineConnector.Functions.Enquiries;

/// <summary>
/// <c>POST /api/channels/{id}/notify</c>: a destination of the channel sends 1 to 5 messages to a LINE user,
/// group or room, or to up to 500 users at once, with or without an enquiry (Cognigy's Notify).
/// </summary>
public static class ChannelNotifyEndpoint
{
    public static void MapChannelNotify(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/api/channels/{id}/notify", NotifyAsync).WithTags("Enquiries").DisableAntiforgery()
            .WithName("Notify").Accepts<NotifyRequest>("application/json")
            .WithSummary("Queues 1 to 5 messages for a LINE user, group or room (push), or up to 500 users (multicast); the result comes back as a delivery message.");

    private static async Task<Accepted<NotifyAccepted>> NotifyAsync(string id, HttpRequest request, EnquiryService service, CancellationToken cancellationToken)
    {
        var access = await service.AuthorizeChannelAsync(id, EnquiryEndpoints.Bearer(request), cancellationToken);
        var body = await EnquiryEndpoints.ReadAsync(request, EnquiryApiJsonContext.Default.NotifyRequest, required: true, cancellationToken);
        return TypedResults.Accepted((string?)null, await service.NotifyAsync(access, body!, EnquiryEndpoints.IdempotencyKey(request), cancellationToken));
    }
}
