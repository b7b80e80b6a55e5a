using System.Text.Json;
using LineConnector.Core;
using LineConnector.Core.Channels;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LineConnector.Functions.Admin;

/// <summary>
/// The channel admin API under <c>/api/manage</c> (the Functions host reserves routes that start
/// with "admin"). Function-key auth in Azure (<c>authLevel: function</c>), open in local mode.
/// Errors are RFC 7807 problem details (<see cref="Hosting.ProblemExceptionHandler"/>); validation failures
/// name each field. Credentials go in, never out, and are never logged.
/// </summary>
public static class ChannelAdminEndpoints
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

    private static async Task<Ok<ChannelListResource>> ListAsync(ChannelRepository repository, CancellationToken cancellationToken)
    {
        var listing = await repository.ListAsync(cancellationToken);
        var unreadable = listing.Unreadable.Select(e => new UnreadableChannel(e.ChannelId, e.Problems.Select(p => p.ToString()).ToList())).ToList();
        return TypedResults.Ok(new ChannelListResource(listing.Channels, unreadable));
    }

    private static async Task<Created<ChannelResource>> CreateAsync(HttpContext http, ChannelAdministration admin, CancellationToken cancellationToken)
    {
        var request = await ReadAsync(http.Request, ChannelJsonContext.Default.ChannelCreateRequest, cancellationToken);
        var stored = await admin.CreateAsync(request, cancellationToken);
        http.Response.Headers.ETag = stored.ETag;
        return TypedResults.Created($"{ChannelsRoute}/{stored.Channel.Id}", ChannelResource.From(stored));
    }

    private static async Task<Ok<ChannelResource>> GetAsync(string id, HttpContext http, ChannelAdministration admin, CancellationToken cancellationToken) =>
        Ok(http, await admin.GetAsync(id, cancellationToken));

    private static async Task<Ok<ChannelResource>> UpdateAsync(string id, HttpContext http, ChannelAdministration admin, CancellationToken cancellationToken)
    {
        var ifMatch = http.Request.Headers.IfMatch.ToString();
        if (string.IsNullOrEmpty(ifMatch))
        {
            throw new DomainException(
                DomainError.PreconditionRequired,
                "Send If-Match with the ETag of the channel as you read it (GET), so that a concurrent change is not overwritten.",
                title: "If-Match required");
        }

        var settings = await ReadAsync(http.Request, ChannelJsonContext.Default.ChannelSettings, cancellationToken);
        return Ok(http, await admin.UpdateAsync(id, settings, ifMatch, cancellationToken));
    }

    private static Task<Ok<ChannelResource>> SuspendAsync(string id, HttpContext http, ChannelAdministration admin, CancellationToken cancellationToken) =>
        SetStatusAsync(id, ChannelStatus.Suspended, http, admin, cancellationToken);

    private static Task<Ok<ChannelResource>> ResumeAsync(string id, HttpContext http, ChannelAdministration admin, CancellationToken cancellationToken) =>
        SetStatusAsync(id, ChannelStatus.Active, http, admin, cancellationToken);

    private static Task<Ok<ChannelResource>> DeleteAsync(string id, HttpContext http, ChannelAdministration admin, CancellationToken cancellationToken) =>
        SetStatusAsync(id, ChannelStatus.Deleted, http, admin, cancellationToken);

    private static async Task<Ok<ChannelResource>> SetStatusAsync(string id, ChannelStatus status, HttpContext http, ChannelAdministration admin, CancellationToken cancellationToken)
    {
        var ifMatch = http.Request.Headers.IfMatch.ToString() is { Length: > 0 } given ? given : "*";
        return Ok(http, await admin.SetStatusAsync(id, status, ifMatch, cancellationToken));
    }

    private static async Task<Ok<ChannelResource>> SetCredentialsAsync(string id, HttpContext http, ChannelAdministration admin, CancellationToken cancellationToken)
    {
        var credentials = await ReadAsync(http.Request, ChannelJsonContext.Default.ChannelCredentialsRequest, cancellationToken);
        return Ok(http, await admin.SetCredentialsAsync(id, credentials, cancellationToken));
    }

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
                ?? throw DomainException.Invalid([new FieldError("body", "required: a JSON object")], "The channel is not valid");
        }
        catch (JsonException e)
        {
            // The path names the field ($.settings.routing.kind); the message is the rule when a converter of ours gave it.
            var field = e.Path is { Length: > 2 } path ? path[2..] : "body";
            var message = e.InnerException is null && !e.Message.Contains("Path:", StringComparison.Ordinal) ? e.Message : "is not valid JSON of the expected type";
            throw DomainException.Invalid([new FieldError(field, message)], "The channel is not valid");
        }
    }
}
