using System.Text.Json;
using LineConnector.Core.Line.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LineConnector.Functions.Playground;

/// <summary>
/// The stand-in for LINE's Messaging API under <c>/playground/line/</c> (local mode, see
/// <see cref="PlaygroundOptions"/>): the calls the connector makes, answered as LINE answers them
/// (line-openapi/messaging-api.yml), with the bot's messages kept for the playground's chats. It mints
/// stateless tokens for any LINE channel id and secret, and takes any bearer as a long-lived token.
/// </summary>
public static class LineStandInEndpoints
{
    public static void MapLineStandIn(this IEndpointRouteBuilder endpoints)
    {
        var line = endpoints.MapGroup(PlaygroundOptions.LineRoute).WithTags("Playground").ExcludeFromDescription().DisableAntiforgery()
            .AddEndpointFilter(OperatorConsole.ConsoleAccess.LocalOnlyFilter);
        line.MapPost("/oauth2/v3/token", IssueTokenAsync);
        line.MapGet("/v2/bot/info", BotInfo);
        line.MapPost("/v2/bot/message/reply", ReplyAsync);
        line.MapPost("/v2/bot/message/push", PushAsync);
        line.MapPost("/v2/bot/chat/markAsRead", MarkAsReadAsync);
        line.MapPost("/v2/bot/chat/loading/start", LoadingAsync);
        line.MapGet("/v2/bot/message/quota", (HttpRequest request) => Bearer(request) is null ? (IResult)Unauthorized() : TypedResults.Text("""{"type":"limited","value":500}""", "application/json"));
        line.MapGet("/v2/bot/message/quota/consumption", QuotaConsumption);
        line.MapGet("/v2/bot/message/{messageId}/content", Content);
        line.MapGet("/v2/bot/message/{messageId}/content/transcoding", Transcoding);
    }

    private static async Task<Results<ContentHttpResult, JsonHttpResult<LineError>>> IssueTokenAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        if (form["client_id"].ToString() is not { Length: > 0 } channel || string.IsNullOrEmpty(form["client_secret"]))
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request: client_id and client_secret are required");
        }

        var token = PlaygroundBots.Mint(channel);
        return TypedResults.Text($$"""{"token_type":"Bearer","access_token":"{{token}}","expires_in":900}""", "application/json");
    }

    private static Results<Ok<BotInfo>, JsonHttpResult<LineError>> BotInfo(HttpRequest request, PlaygroundOptions options) =>
        Bearer(request) is { } token
            ? TypedResults.Ok(PlaygroundBots.Info(PlaygroundBots.UserIdOfToken(token), options.SelfUrl))
            : Unauthorized();

    private static async Task<Results<ContentHttpResult, JsonHttpResult<LineError>>> ReplyAsync(HttpRequest request, PlaygroundChats chats)
    {
        if (Bearer(request) is not { } token)
        {
            return Unauthorized();
        }

        using var body = await JsonDocument.ParseAsync(request.Body);
        var replyToken = body.RootElement.TryGetProperty("replyToken", out var t) ? t.GetString() : null;
        var bot = PlaygroundBots.UserIdOfToken(token);
        if (replyToken is null || chats.UseReplyToken(replyToken) is not { } chat || chat.Bot != bot)
        {
            return Error(StatusCodes.Status400BadRequest, "Invalid reply token");
        }

        return Sent(chats, bot, chat.Chat, body.RootElement, "reply");
    }

    private static async Task<Results<ContentHttpResult, JsonHttpResult<LineError>>> PushAsync(HttpRequest request, PlaygroundChats chats)
    {
        if (Bearer(request) is not { } token)
        {
            return Unauthorized();
        }

        using var body = await JsonDocument.ParseAsync(request.Body);
        if (!body.RootElement.TryGetProperty("to", out var to) || to.GetString() is not { Length: > 0 } chat)
        {
            return Error(StatusCodes.Status400BadRequest, "The request body has 1 error(s): 'to' is required");
        }

        return Sent(chats, PlaygroundBots.UserIdOfToken(token), chat, body.RootElement, "push");
    }

    /// <summary>Shows "read" in the chat whose message carried the token.</summary>
    private static async Task<Results<ContentHttpResult, JsonHttpResult<LineError>>> MarkAsReadAsync(HttpRequest request, PlaygroundChats chats)
    {
        if (Bearer(request) is not { } token)
        {
            return Unauthorized();
        }

        using var body = await JsonDocument.ParseAsync(request.Body);
        var readToken = body.RootElement.TryGetProperty("markAsReadToken", out var t) ? t.GetString() : null;
        if (readToken is null || chats.ReadTokenChat(readToken) is not { } chat || chat.Bot != PlaygroundBots.UserIdOfToken(token))
        {
            return Error(StatusCodes.Status400BadRequest, "Invalid markAsReadToken");
        }

        chats.Add(chat.Bot, chat.Chat, "read", null, body.RootElement, null);
        return TypedResults.Text("{}", "application/json");
    }

    /// <summary>Shows the loading animation in a one-to-one chat until the bot's next message.</summary>
    private static async Task<Results<ContentHttpResult, JsonHttpResult<LineError>>> LoadingAsync(HttpRequest request, PlaygroundChats chats)
    {
        if (Bearer(request) is not { } token)
        {
            return Unauthorized();
        }

        using var body = await JsonDocument.ParseAsync(request.Body);
        if (!body.RootElement.TryGetProperty("chatId", out var chatId) || chatId.GetString() is not { Length: > 0 } chat)
        {
            return Error(StatusCodes.Status400BadRequest, "The request body has 1 error(s): 'chatId' is required");
        }

        chats.Add(PlaygroundBots.UserIdOfToken(token), chat, "loading", null, body.RootElement, null);
        return TypedResults.Content("{}", "application/json", statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>This month's pushes, as LINE counts them against the quota.</summary>
    private static Results<ContentHttpResult, JsonHttpResult<LineError>> QuotaConsumption(HttpRequest request, PlaygroundChats chats) =>
        Bearer(request) is { } token
            ? TypedResults.Text($$"""{"totalUsage":{{chats.Pushes(PlaygroundBots.UserIdOfToken(token))}}}""", "application/json")
            : Unauthorized();

    private static Results<FileContentHttpResult, JsonHttpResult<LineError>> Content(string messageId, HttpRequest request, PlaygroundChats chats) =>
        Bearer(request) is null ? Unauthorized()
            : chats.Image(messageId) is { } image ? TypedResults.File(image.Bytes, image.ContentType)
            : Error(StatusCodes.Status404NotFound, "Not found");

    private static ContentHttpResult Transcoding(string messageId) =>
        TypedResults.Text("""{"status":"succeeded"}""", "application/json");

    /// <summary>Keeps the messages as the chat's lines and answers with their ids, as LINE does.</summary>
    private static ContentHttpResult Sent(PlaygroundChats chats, string bot, string chat, JsonElement body, string via)
    {
        var ids = new List<string>();
        if (body.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
        {
            foreach (var message in messages.EnumerateArray())
            {
                chats.Add(bot, chat, "out", null, message, via);
                ids.Add(chats.NextMessageId());
            }
        }

        var sent = string.Join(',', ids.Select(id => $$"""{"id":"{{id}}","quoteToken":"q{{id}}"}"""));
        return TypedResults.Text($$"""{"sentMessages":[{{sent}}]}""", "application/json");
    }

    private static string? Bearer(HttpRequest request) =>
        request.Headers.Authorization.ToString() is { } value && value.StartsWith("Bearer ", StringComparison.Ordinal) && value.Length > 7 ? value[7..] : null;

    private static JsonHttpResult<LineError> Unauthorized() =>
        Error(StatusCodes.Status401Unauthorized, "Authentication failed. Confirm that the access token in the authorization header is valid.");

    private static JsonHttpResult<LineError> Error(int status, string message) =>
        TypedResults.Json(new LineError(message), PlaygroundJsonContext.Default.LineError, statusCode: status);
}

/// <summary>LINE's error body.</summary>
public sealed record LineError(string Message);
