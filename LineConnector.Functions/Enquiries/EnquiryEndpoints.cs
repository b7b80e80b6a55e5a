using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using LineConnector.Core;
using LineConnector.Core.Enquiries;
using LineConnector.Functions.Chat;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LineConnector.Functions.Enquiries;

/// <summary>
/// The enquiry API for destinations under <c>/api/enquiries</c> (anonymous at the Functions host: a
/// destination authenticates with its own secret as a bearer token, which also limits it to its
/// enquiries; it is checked before anything is looked up), and the presence and what-if admin routes
/// under <c>/api/manage</c> (function key in Azure; the host reserves routes starting with "admin").
/// Each route reads the request, calls Core and writes the answer; refusals and failures are RFC 7807
/// problem details (<see cref="Hosting.ProblemExceptionHandler"/>).
/// </summary>
public static class EnquiryEndpoints
{
    public const string EnquiriesRoute = "/api/enquiries";
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static void MapEnquiryApi(this IEndpointRouteBuilder endpoints)
    {
        var enquiries = endpoints.MapGroup(EnquiriesRoute).WithTags("Enquiries").DisableAntiforgery();
        enquiries.MapGet("/{id}", GetAsync).WithName("GetEnquiry").WithSummary("An enquiry; the bearer is its destination's secret.");
        enquiries.MapGet("/{id}/content/{messageId}", ContentAsync).WithName("GetEnquiryContent")
            .WithSummary("The bytes of an image, video, audio or file the user sent in this enquiry, fetched from LINE.");
        enquiries.MapPost("/{id}/messages", ReplyAsync).WithName("ReplyToEnquiry").Accepts<StaffReplyRequest>("application/json")
            .WithSummary("Queues a staff member's LINE messages for the enquiry's user, group or room (in order, 5 per LINE request).");
        enquiries.MapPost("/{id}/close", CloseAsync).WithName("CloseEnquiry").Accepts<CloseRequest>("application/json")
            .WithSummary("Closes the enquiry and sends the channel's close message.");

        var channels = endpoints.MapGroup("/api/manage/channels").WithTags("Routing").DisableAntiforgery();
        channels.MapPut("/{id}/destinations/{destinationId}/presence", SetPresenceAsync).WithName("SetDestinationPresence").Accepts<PresenceRequest>("application/json")
            .WithSummary("Marks a destination and its staff members available or unavailable.");
        channels.MapGet("/{id}/route/what-if", WhatIfAsync).WithName("RouteWhatIf")
            .WithSummary("Which destination a message from ?user= at ?at= (ISO 8601, default now) would reach, and why; sends nothing.");
        channels.MapGet("/{id}/enquiries", ListAsync).WithName("ListEnquiries")
            .WithSummary("The channel's enquiries in ?state= (open, ongoing, missed or closed), oldest first; missed ones show the events kept for them and their next offer.");
    }

    private static async Task<Ok<EnquiryResource>> GetAsync(string id, HttpRequest request, EnquiryService service, CancellationToken cancellationToken)
    {
        var access = await service.AuthorizeAsync(id, Bearer(request), cancellationToken);
        return TypedResults.Ok(EnquiryResource.Of(access.Enquiry));
    }

    /// <summary>Streams the content LINE keeps; 202 with <c>Retry-After</c> while LINE still prepares it.</summary>
    private static async Task<Results<LineContentResult, Accepted<ContentPreparing>>> ContentAsync(
        string id, string messageId, HttpRequest request, EnquiryService service, CancellationToken cancellationToken)
    {
        var access = await service.AuthorizeAsync(id, Bearer(request), cancellationToken);
        var download = await service.FetchContentAsync(access, messageId, cancellationToken);
        if (download.Content is { } content)
        {
            return new LineContentResult(content);
        }

        var seconds = (int)EnquiryService.ContentRetryAfter.TotalSeconds;
        request.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Accepted(
            request.Path.Value,
            new ContentPreparing(download.MessageId, seconds, $"LINE is still preparing this content; try again in {seconds} s."));
    }

    private static async Task<Accepted<ReplyAccepted>> ReplyAsync(string id, HttpRequest request, EnquiryService service, LoggedReadReceipts receipts, CancellationToken cancellationToken)
    {
        var access = await service.AuthorizeAsync(id, Bearer(request), cancellationToken);
        var body = await ReadAsync(request, EnquiryApiJsonContext.Default.StaffReplyRequest, required: true, cancellationToken);
        var accepted = await service.ReplyAsync(access, body!, IdempotencyKey(request), cancellationToken);
        // After the reply is queued: whatever LINE says to the receipt, the reply stands.
        var receipt = await receipts.MarkAsync(access, "staff reply", cancellationToken);
        return TypedResults.Accepted($"{EnquiriesRoute}/{id}", accepted with { ReadReceipt = receipt });
    }

    private static async Task<Ok<EnquiryResource>> CloseAsync(string id, HttpRequest request, EnquiryService service, CancellationToken cancellationToken)
    {
        var access = await service.AuthorizeAsync(id, Bearer(request), cancellationToken);
        var body = await ReadAsync(request, EnquiryApiJsonContext.Default.CloseRequest, required: false, cancellationToken) ?? new CloseRequest();
        return TypedResults.Ok(await service.CloseAsync(access, body, cancellationToken));
    }

    private static async Task<Ok<PresenceResource>> SetPresenceAsync(string id, string destinationId, HttpRequest request, EnquiryService service, CancellationToken cancellationToken)
    {
        var body = await ReadAsync(request, EnquiryApiJsonContext.Default.PresenceRequest, required: true, cancellationToken);
        return TypedResults.Ok(await service.SetPresenceAsync(id, destinationId, body!, cancellationToken));
    }

    private static async Task<Ok<WhatIfResource>> WhatIfAsync(string id, string? user, string? at, EnquiryService service, TimeProvider clock, CancellationToken cancellationToken)
    {
        var when = clock.GetUtcNow();
        if (at is not null && !DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out when))
        {
            throw DomainException.Invalid("at", $"an ISO 8601 time such as 2026-11-21T09:00:00+09:00 (got '{at}')");
        }

        return TypedResults.Ok(await service.WhatIfAsync(id, user ?? "", when, cancellationToken));
    }

    private static async Task<Ok<EnquiryListResource>> ListAsync(string id, string? state, EnquiryService service, CancellationToken cancellationToken) =>
        TypedResults.Ok(await service.ListAsync(id, state, cancellationToken));

    /// <summary>The bearer token of <c>Authorization: Bearer {secret}</c>, if any.</summary>
    internal static string? Bearer(HttpRequest request) =>
        request.Headers.Authorization.ToString() is { } value && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? value["Bearer ".Length..].Trim() : null;

    /// <summary>The <c>Idempotency-Key</c> header, if any: a retried call with the same key acts once.</summary>
    internal static string? IdempotencyKey(HttpRequest request) =>
        request.Headers.TryGetValue(IdempotencyKeyHeader, out var given) ? given.ToString() : null;

    internal static async Task<T?> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type, bool required, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentLength is 0 || (request.ContentLength is null && !request.Headers.ContainsKey("Transfer-Encoding")))
        {
            return required ? throw DomainException.Invalid("body", "required: a JSON object") : null;
        }

        try
        {
            return await JsonSerializer.DeserializeAsync(request.Body, type, cancellationToken) ?? (required ? throw DomainException.Invalid("body", "required: a JSON object") : null);
        }
        catch (JsonException e)
        {
            // The path names the field ($.staff.id); the JSON reader's own message is not shown: it may quote the body.
            var field = e.Path is { Length: > 2 } path ? path[2..] : "body";
            throw DomainException.Invalid(field, "is not valid JSON of the expected type");
        }
    }
}
