using LineConnector.Core;
using LineConnector.Core.Destinations;
using LineConnector.Functions.OperatorConsole;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LineConnector.Functions.Playground;

/// <summary>
/// Local mode's playground under <c>/playground</c> (never under the Functions host, which serves only
/// <c>/api</c>): act as LINE users, see the bot's answers, and answer enquiries at the staff desk. Open to
/// callers on this machine only (<see cref="ConsoleAccess"/>).
/// </summary>
public static class PlaygroundEndpoints
{
    public static IServiceCollection AddPlayground(this IServiceCollection services, PlaygroundOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<PlaygroundChats>();
        services.AddSingleton<PlaygroundWebhooks>();
        services.AddSingleton<StaffDesk>();
        services.AddHostedService<ConsoleAnnouncement>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, PlaygroundJsonContext.Default));
        return services;
    }

    public static void MapPlayground(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetService<PlaygroundOptions>() is null)
        {
            return;
        }

        endpoints.MapLineStandIn();
        // The desk's destination webhook: called by the connector, signed with the destination's secret.
        endpoints.MapPost(PlaygroundOptions.Route + "/desk/{channelId}/{destinationId}", DeskReceiveAsync).WithTags("Playground").ExcludeFromDescription()
            .DisableAntiforgery().AddEndpointFilter(ConsoleAccess.LocalOnlyFilter);
        var playground = endpoints.MapGroup(PlaygroundOptions.Route).WithTags("Playground").ExcludeFromDescription().DisableAntiforgery()
            .AddEndpointFilter(ConsoleAccess.PageFilter);
        playground.MapGet("/channels/{channelId}", StateAsync);
        playground.MapPost("/actions", ActAsync);
        playground.MapPost("/images", UploadAsync);
        playground.MapGet("/images/{id}", (string id, PlaygroundChats chats) => chats.Image(id) is { } image
            ? Results.File(image.Bytes, image.ContentType)
            : TypedResults.Problem($"The playground has no image '{id}'.", statusCode: StatusCodes.Status404NotFound));
        playground.MapGet("/desk", (StaffDesk desk) => TypedResults.Ok(desk.Enquiries()));
        playground.MapPost("/desk/enquiries/{id}/messages", DeskReplyAsync);
        playground.MapPost("/desk/enquiries/{id}/close", DeskCloseAsync);
    }

    private static async Task<Ok<PlaygroundState>> StateAsync(
        string channelId, long? after, PlaygroundOptions options, PlaygroundWebhooks webhooks, PlaygroundChats chats, CancellationToken cancellationToken)
    {
        var bot = await webhooks.BotOfAsync(channelId, cancellationToken);
        return TypedResults.Ok(new PlaygroundState(options.LineStandIn, channelId, bot, PlaygroundWebhooks.Users, PlaygroundWebhooks.Groups, chats.Lines(bot, after ?? 0)));
    }

    private static async Task<Ok<PlaygroundSent>> ActAsync(PlaygroundAction action, PlaygroundWebhooks webhooks, CancellationToken cancellationToken) =>
        TypedResults.Ok(await webhooks.SendAsync(action, cancellationToken));

    /// <summary>An image as the request body (PNG or JPEG, up to 10 MB), kept for LINE's content API stand-in.</summary>
    private static async Task<Ok<UploadedImage>> UploadAsync(HttpRequest request, PlaygroundChats chats, CancellationToken cancellationToken)
    {
        var type = request.ContentType?.Split(';')[0].Trim();
        if (type is not ("image/png" or "image/jpeg"))
        {
            throw DomainException.Invalid("Content-Type", $"image/png or image/jpeg (got '{type}')");
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81_920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > PlaygroundChats.MaxImageBytes)
            {
                throw DomainException.Invalid("body", $"at most {PlaygroundChats.MaxImageBytes / 1024 / 1024} MB");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.Length > 0 ? TypedResults.Ok(chats.AddImage(buffer.ToArray(), type)) : throw DomainException.Invalid("body", "required: the image's bytes");
    }

    private static async Task<Results<Ok, UnauthorizedHttpResult>> DeskReceiveAsync(
        string channelId, string destinationId, HttpRequest request, StaffDesk desk, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        var signature = request.Headers[DestinationSignature.Header].ToString();
        return await desk.ReceiveAsync(channelId, destinationId, buffer.ToArray(), signature, cancellationToken)
            ? TypedResults.Ok()
            : TypedResults.Unauthorized();
    }

    private static async Task<ContentHttpResult> DeskReplyAsync(string id, DeskReply reply, StaffDesk desk, CancellationToken cancellationToken)
    {
        var (status, body) = await desk.ReplyAsync(id, reply, cancellationToken);
        return TypedResults.Content(body, status < 300 ? "application/json" : "application/problem+json", statusCode: status);
    }

    private static async Task<ContentHttpResult> DeskCloseAsync(string id, string? staffId, StaffDesk desk, CancellationToken cancellationToken)
    {
        var (status, body) = await desk.CloseAsync(id, staffId, cancellationToken);
        return TypedResults.Content(body, status < 300 ? "application/json" : "application/problem+json", statusCode: status);
    }
}
