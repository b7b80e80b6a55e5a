using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using LineConnector.Core.Channels;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LineConnector.Functions.Enquiries;

/// <summary>
/// The enquiry API for destinations under <c>/api/enquiries</c> (anonymous at the Functions host: a
/// destination authenticates with its own secret as a bearer token, which also limits it to its
/// enquiries), and the presence and what-if admin routes under <c>/api/manage</c> (function key in
/// Azure; the host reserves routes starting with "admin"). Errors are RFC 7807 problem details.
/// </summary>
public static partial class EnquiryEndpoints
{
    public const string EnquiriesRoute = "/api/enquiries";
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>How long a destination waits before asking again for content LINE is still preparing.</summary>
    public static readonly TimeSpan ContentRetryAfter = TimeSpan.FromSeconds(5);

    public static void MapEnquiryApi(this IEndpointRouteBuilder endpoints)
    {
        var enquiries = endpoints.MapGroup(EnquiriesRoute).WithTags("Enquiries").DisableAntiforgery();
        enquiries.MapGet("/{id}", GetAsync).WithName("GetEnquiry").WithSummary("An enquiry; the bearer is its destination's secret.");
        enquiries.MapGet("/{id}/content/{messageId}", ContentAsync).WithName("GetEnquiryContent")
            .WithSummary("The bytes of an image, video, audio or file the user sent in this enquiry, fetched from LINE.");
        enquiries.MapPost("/{id}/messages", ReplyAsync).WithName("ReplyToEnquiry").Accepts<StaffReplyRequest>("application/json")
            .WithSummary("Queues a staff member's LINE messages for the enquiry's user, group or room.");
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

    private static Task<Results<Ok<EnquiryResource>, ValidationProblem, ProblemHttpResult>> GetAsync(string id, HttpRequest request, EnquiryService service, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        RunAsync(loggers, "read", id, async () => TypedResults.Ok(await service.GetAsync(id, Bearer(request), cancellationToken)));

    /// <summary>
    /// Streams the content from LINE's content API with the channel token, which the destination never sees.
    /// Video and audio only once LINE reports the transcoding done; until then 202 with <c>Retry-After</c>.
    /// </summary>
    private static Task<Results<Results<LineContentResult, ProblemHttpResult>, ValidationProblem, ProblemHttpResult>> ContentAsync(
        string id, string messageId, HttpRequest request, EnquiryService service, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        RunAsync<Results<LineContentResult, ProblemHttpResult>>(loggers, "read content of", id, async () =>
        {
            var logger = loggers.CreateLogger("LineConnector.Enquiries");
            switch (await service.FetchContentAsync(id, messageId, Bearer(request), cancellationToken))
            {
                case ContentAnswer.Ready ready:
                    return new LineContentResult(ready.Content);
                case ContentAnswer.Unusable unusable:
                    return TypedResults.Problem(unusable.Reason, statusCode: StatusCodes.Status422UnprocessableEntity, title: "LINE could not prepare it");
                case ContentAnswer.Gone gone:
                    LogRefused(logger, "read content of", id, gone.Error.Message);
                    return TypedResults.Problem(gone.Reason, statusCode: StatusCodes.Status404NotFound, title: "LINE no longer keeps this content");
                case ContentAnswer.LineFailed failed:
                    LogFailed(logger, failed.Error, "read content of", id);
                    return failed.Error.IsTransient
                        ? TypedResults.Problem(failed.Error.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Try again")
                        : TypedResults.Problem(failed.Error.Message, statusCode: StatusCodes.Status502BadGateway, title: "LINE refused the request");
                default:
                    return NotReady(request);
            }
        });

    /// <summary>202: LINE is still preparing the content; the caller tries again after <see cref="ContentRetryAfter"/>.</summary>
    private static ProblemHttpResult NotReady(HttpRequest request)
    {
        request.HttpContext.Response.Headers.RetryAfter = ((int)ContentRetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            "LINE is still preparing this content; try again later.", statusCode: StatusCodes.Status202Accepted, title: "Not ready yet");
    }

    private static Task<Results<Accepted<ReplyAccepted>, ValidationProblem, ProblemHttpResult>> ReplyAsync(string id, HttpRequest request, EnquiryService service, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        RunAsync(loggers, "reply to", id, async () =>
        {
            var body = await ReadAsync(request, EnquiryApiJsonContext.Default.StaffReplyRequest, required: true, cancellationToken);
            var key = request.Headers.TryGetValue(IdempotencyKeyHeader, out var given) ? given.ToString() : null;
            var accepted = await service.ReplyAsync(id, Bearer(request), body!, key, cancellationToken);
            return TypedResults.Accepted($"{EnquiriesRoute}/{id}", accepted);
        });

    private static Task<Results<Ok<EnquiryResource>, ValidationProblem, ProblemHttpResult>> CloseAsync(string id, HttpRequest request, EnquiryService service, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        RunAsync(loggers, "close", id, async () =>
        {
            var body = await ReadAsync(request, EnquiryApiJsonContext.Default.CloseRequest, required: false, cancellationToken) ?? new CloseRequest();
            return TypedResults.Ok(await service.CloseAsync(id, Bearer(request), body, cancellationToken));
        });

    private static Task<Results<Ok<PresenceResource>, ValidationProblem, ProblemHttpResult>> SetPresenceAsync(
        string id, string destinationId, HttpRequest request, EnquiryService service, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        RunAsync(loggers, "set presence of", $"{id}/{destinationId}", async () =>
        {
            var body = await ReadAsync(request, EnquiryApiJsonContext.Default.PresenceRequest, required: true, cancellationToken);
            return TypedResults.Ok(await service.SetPresenceAsync(id, destinationId, body!, cancellationToken));
        });

    private static Task<Results<Ok<WhatIfResource>, ValidationProblem, ProblemHttpResult>> WhatIfAsync(
        string id, string? user, string? at, EnquiryService service, TimeProvider clock, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        RunAsync(loggers, "what-if for", id, async () =>
        {
            var when = clock.GetUtcNow();
            if (at is not null && !DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out when))
            {
                throw new EnquiryApiException(EnquiryApiFailure.Invalid, "at: not a time", new Dictionary<string, string[]> { ["at"] = [$"an ISO 8601 time such as 2026-11-21T09:00:00+09:00 (got '{at}')"] });
            }

            return TypedResults.Ok(await service.WhatIfAsync(id, user ?? "", when, cancellationToken));
        });

    private static Task<Results<Ok<EnquiryListResource>, ValidationProblem, ProblemHttpResult>> ListAsync(
        string id, string? state, EnquiryService service, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        RunAsync(loggers, "list enquiries of", id, async () => TypedResults.Ok(await service.ListAsync(id, state, cancellationToken)));

    /// <summary>The bearer token of <c>Authorization: Bearer {secret}</c>, if any.</summary>
    private static string? Bearer(HttpRequest request) =>
        request.Headers.Authorization.ToString() is { } value && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? value["Bearer ".Length..].Trim() : null;

    private static async Task<T?> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type, bool required, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentLength is 0 || (request.ContentLength is null && !request.Headers.ContainsKey("Transfer-Encoding")))
        {
            return required ? throw Invalid("body", "required: a JSON object") : null;
        }

        try
        {
            return await JsonSerializer.DeserializeAsync(request.Body, type, cancellationToken) ?? (required ? throw Invalid("body", "required: a JSON object") : null);
        }
        catch (JsonException e)
        {
            // The path names the field ($.staff.id); the JSON reader's own message is not shown: it may quote the body.
            var field = e.Path is { Length: > 2 } path ? path[2..] : "body";
            throw Invalid(field, "is not valid JSON of the expected type");
        }
    }

    private static EnquiryApiException Invalid(string field, string message) =>
        new(EnquiryApiFailure.Invalid, $"{field}: {message}", new Dictionary<string, string[]> { [field] = [message] });

    // Results<,,> reads its cases' endpoint metadata through their static methods: trimming must keep them.
    private static async Task<Results<TOk, ValidationProblem, ProblemHttpResult>> RunAsync<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods)] TOk>(ILoggerFactory loggers, string operation, string id, Func<Task<TOk>> action)
        where TOk : IResult
    {
        var logger = loggers.CreateLogger("LineConnector.Enquiries");
        try
        {
            return await action();
        }
        catch (EnquiryApiException e) when (e.Failure == EnquiryApiFailure.Invalid)
        {
            LogRefused(logger, operation, id, e.Message);
            return TypedResults.ValidationProblem(e.Fields.ToDictionary(f => f.Key, f => f.Value), title: "The request is not valid");
        }
        catch (EnquiryApiException e)
        {
            LogRefused(logger, operation, id, e.Message);
            var (status, title) = e.Failure switch
            {
                EnquiryApiFailure.Unauthorized => (StatusCodes.Status401Unauthorized, "Not authenticated"),
                EnquiryApiFailure.Forbidden => (StatusCodes.Status403Forbidden, "Not this destination's enquiry"),
                EnquiryApiFailure.NotFound => (StatusCodes.Status404NotFound, "Not found"),
                _ => (StatusCodes.Status409Conflict, "Not allowed in the enquiry's state"),
            };
            return TypedResults.Problem(e.Message, statusCode: status, title: title);
        }
        catch (ChannelConfigurationException e)
        {
            LogFailed(logger, e, operation, id);
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status500InternalServerError, title: "Channel misconfigured");
        }
        catch (ChannelAccessTokenMissingException e)
        {
            LogFailed(logger, e, operation, id);
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status500InternalServerError, title: "Channel misconfigured");
        }
        catch (Exception e) when (e is ChannelStoreUnavailableException or TableStoreException or EnquiryChangedException or Azure.RequestFailedException or HttpRequestException)
        {
            LogFailed(logger, e, operation, id);
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Try again");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Enquiry API: {Operation} {Id} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string operation, string id, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Enquiry API: {Operation} {Id} failed")]
    private static partial void LogFailed(ILogger logger, Exception error, string operation, string id);
}
