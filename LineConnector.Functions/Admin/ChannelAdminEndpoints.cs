using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using LineConnector.Core;
using LineConnector.Core.Channels;
using LineConnector.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LineConnector.Functions.Admin;

/// <summary>
/// The channel admin API under <c>/api/manage</c> (the Functions host reserves routes that start
/// with "admin"). Function-key auth in Azure (<c>authLevel: function</c>), open in local mode.
/// Errors are RFC 7807 problem details; validation failures name each field. Credentials go in,
/// never out, and are never logged.
/// </summary>
public static partial class ChannelAdminEndpoints
{
    public const string Prefix = "/api/manage";
    public const string ChannelsRoute = Prefix + "/channels";
    public const string OpenApiRoute = Prefix + "/openapi.json";
    /// <summary>
    /// The OpenAPI document's name. The route is a literal (the Functions host's route must match it
    /// exactly), and a route without a <c>{documentName}</c> serves the document named "v1".
    /// </summary>
    public const string DocumentName = "v1";

    public static void MapChannelAdmin(this IEndpointRouteBuilder endpoints)
    {
        var channels = endpoints.MapGroup(ChannelsRoute).WithTags("Channels").DisableAntiforgery();
        channels.MapGet("", ListAsync).WithName("ListChannels").WithSummary("Every channel, and the stored ones that cannot be read with what is wrong.");
        channels.MapPost("", CreateAsync).WithName("CreateChannel").Accepts<ChannelCreateRequest>("application/json")
            .WithSummary("Creates a channel; its credentials are checked with LINE and written to Key Vault.");
        channels.MapGet("/{id}", GetAsync).WithName("GetChannel").WithSummary("A channel, with its ETag.");
        channels.MapPut("/{id}", UpdateAsync).WithName("UpdateChannel").Accepts<ChannelSettings>("application/json")
            .WithSummary("Replaces a channel's settings; If-Match must carry the ETag it was read with.");
        channels.MapDelete("/{id}", DeleteAsync).WithName("DeleteChannel").WithSummary("Deletes a channel; its LINE account may then back another channel.");
        channels.MapPost("/{id}/suspend", SuspendAsync).WithName("SuspendChannel").WithSummary("Stops opening enquiries; the webhook still answers LINE.");
        channels.MapPost("/{id}/resume", ResumeAsync).WithName("ResumeChannel").WithSummary("Opens enquiries again.");
        channels.MapPut("/{id}/credentials", SetCredentialsAsync).WithName("SetChannelCredentials").Accepts<ChannelCredentialsRequest>("application/json")
            .WithSummary("Replaces the LINE credentials (written to Key Vault, never returned).");
        endpoints.MapOpenApi(OpenApiRoute);
    }

    private static Task<Results<Ok<ChannelListResource>, ValidationProblem, ProblemHttpResult>> ListAsync(ChannelRepository repository, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        RunAsync(loggers, "list", null, async () =>
        {
            var listing = await repository.ListAsync(cancellationToken);
            var unreadable = listing.Unreadable.Select(e => new UnreadableChannel(e.ChannelId, e.Problems.Select(p => p.ToString()).ToList())).ToList();
            return TypedResults.Ok(new ChannelListResource(listing.Channels, unreadable));
        });

    private static Task<Results<Created<ChannelResource>, ValidationProblem, ProblemHttpResult>> CreateAsync(HttpContext http, ChannelAdministration admin, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        RunAsync(loggers, "create", null, async () =>
        {
            var request = await ReadAsync(http.Request, ChannelJsonContext.Default.ChannelCreateRequest, cancellationToken);
            var stored = await admin.CreateAsync(request, cancellationToken);
            http.Response.Headers.ETag = stored.ETag;
            return TypedResults.Created($"{ChannelsRoute}/{stored.Channel.Id}", ChannelResource.From(stored));
        });

    private static Task<Results<Ok<ChannelResource>, ValidationProblem, ProblemHttpResult>> GetAsync(string id, HttpContext http, ChannelAdministration admin, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        RunAsync(loggers, "get", id, async () => Ok(http, await admin.GetAsync(id, cancellationToken)));

    private static Task<Results<Ok<ChannelResource>, ValidationProblem, ProblemHttpResult>> UpdateAsync(string id, HttpContext http, ChannelAdministration admin, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        RunAsync(loggers, "update", id, async () =>
        {
            var ifMatch = http.Request.Headers.IfMatch.ToString();
            if (string.IsNullOrEmpty(ifMatch))
            {
                throw new PreconditionRequiredException();
            }

            var settings = await ReadAsync(http.Request, ChannelJsonContext.Default.ChannelSettings, cancellationToken);
            return Ok(http, await admin.UpdateAsync(id, settings, ifMatch, cancellationToken));
        });

    private static Task<Results<Ok<ChannelResource>, ValidationProblem, ProblemHttpResult>> SuspendAsync(string id, HttpContext http, ChannelAdministration admin, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        SetStatusAsync(id, ChannelStatus.Suspended, "suspend", http, admin, loggers, cancellationToken);

    private static Task<Results<Ok<ChannelResource>, ValidationProblem, ProblemHttpResult>> ResumeAsync(string id, HttpContext http, ChannelAdministration admin, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        SetStatusAsync(id, ChannelStatus.Active, "resume", http, admin, loggers, cancellationToken);

    private static Task<Results<Ok<ChannelResource>, ValidationProblem, ProblemHttpResult>> DeleteAsync(string id, HttpContext http, ChannelAdministration admin, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        SetStatusAsync(id, ChannelStatus.Deleted, "delete", http, admin, loggers, cancellationToken);

    private static Task<Results<Ok<ChannelResource>, ValidationProblem, ProblemHttpResult>> SetStatusAsync(
        string id, ChannelStatus status, string operation, HttpContext http, ChannelAdministration admin, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        RunAsync(loggers, operation, id, async () =>
        {
            var ifMatch = http.Request.Headers.IfMatch.ToString() is { Length: > 0 } given ? given : "*";
            return Ok(http, await admin.SetStatusAsync(id, status, ifMatch, cancellationToken));
        });

    private static Task<Results<Ok<ChannelResource>, ValidationProblem, ProblemHttpResult>> SetCredentialsAsync(string id, HttpContext http, ChannelAdministration admin, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        RunAsync(loggers, "set credentials of", id, async () =>
        {
            var credentials = await ReadAsync(http.Request, ChannelJsonContext.Default.ChannelCredentialsRequest, cancellationToken);
            return Ok(http, await admin.SetCredentialsAsync(id, credentials, cancellationToken));
        });

    private static Ok<ChannelResource> Ok(HttpContext http, StoredChannel stored)
    {
        http.Response.Headers.ETag = stored.ETag;
        return TypedResults.Ok(ChannelResource.From(stored));
    }

    private static async Task<T> ReadAsync<T>(HttpRequest request, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(request.Body, type, cancellationToken)
                ?? throw new ChannelValidationException([new FieldError("body", "required: a JSON object")]);
        }
        catch (JsonException e)
        {
            // The path names the field ($.settings.routing.kind); the message is the rule when a converter of ours gave it.
            var field = e.Path is { Length: > 2 } path ? path[2..] : "body";
            var message = e.InnerException is null && !e.Message.Contains("Path:", StringComparison.Ordinal) ? e.Message : "is not valid JSON of the expected type";
            throw new ChannelValidationException([new FieldError(field, message)]);
        }
    }

    // Results<,,> reads its cases' endpoint metadata through their static methods: trimming must keep them.
    private static async Task<Results<TOk, ValidationProblem, ProblemHttpResult>> RunAsync<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods)] TOk>(ILoggerFactory loggers, string operation, string? id, Func<Task<TOk>> action)
        where TOk : IResult
    {
        var logger = loggers.CreateLogger("LineConnector.Admin");
        try
        {
            return await action();
        }
        catch (ChannelValidationException e)
        {
            LogRefused(logger, operation, id, e.Message);
            return TypedResults.ValidationProblem(
                e.Errors.GroupBy(f => f.Field).ToDictionary(g => g.Key, g => g.Select(f => f.Message).ToArray()),
                title: "The channel is not valid");
        }
        catch (PreconditionRequiredException)
        {
            return TypedResults.Problem("Send If-Match with the ETag of the channel as you read it (GET), so that a concurrent change is not overwritten.", statusCode: StatusCodes.Status428PreconditionRequired, title: "If-Match required");
        }
        catch (ChannelOperationException e)
        {
            LogRefused(logger, operation, id, e.Message);
            var (status, title) = e.Failure switch
            {
                ChannelFailure.NotFound => (StatusCodes.Status404NotFound, "No such channel"),
                ChannelFailure.ETagMismatch => (StatusCodes.Status412PreconditionFailed, "The channel has changed"),
                _ => (StatusCodes.Status409Conflict, "Conflict"),
            };
            return TypedResults.Problem(e.Message, statusCode: status, title: title);
        }
        catch (LineAccountException e) when (e.IsCredentialProblem)
        {
            LogRefused(logger, operation, id, e.Message);
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["credentials"] = [e.Message] }, title: "LINE refused the credentials");
        }
        catch (LineAccountException e)
        {
            LogFailed(logger, e, operation, id);
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status502BadGateway, title: "LINE unavailable");
        }
        catch (ChannelConfigurationException e)
        {
            LogFailed(logger, e, operation, id);
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status500InternalServerError, title: "Channel misconfigured");
        }
        catch (Exception e) when (e is ChannelStoreUnavailableException or TableStoreException)
        {
            LogFailed(logger, e, operation, id);
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Channel store unavailable");
        }
    }

    private sealed class PreconditionRequiredException : Exception;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin: {Operation} channel {ChannelId} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string operation, string? channelId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Admin: {Operation} channel {ChannelId} failed")]
    private static partial void LogFailed(ILogger logger, Exception error, string operation, string? channelId);
}
