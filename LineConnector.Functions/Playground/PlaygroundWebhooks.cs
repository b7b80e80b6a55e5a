using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LineConnector.Core;
using LineConnector.Core.Channels;
using LineConnector.Core.Line;
using LineConnector.Core.Line.Api;
using LineConnector.Functions.Hosting;

namespace LineConnector.Functions.Playground;

/// <summary>
/// Sends what a playground user does to the connector as LINE would: one webhook event in a body
/// <c>{"destination", "events"}</c>, signed with the channel secret (<c>x-line-signature</c>), posted to
/// the app's own <c>/api/line/{channelId}</c> over HTTP. Message and follow events carry a reply token the
/// stand-in accepts once.
/// </summary>
public sealed class PlaygroundWebhooks(
    PlaygroundOptions options, PlaygroundChats chats, ChannelRepository channels, IChannelSecretStore secrets, IChannelCredentials credentials, TimeProvider clock)
{
    public static readonly IReadOnlyList<PlaygroundUser> Users =
    [
        new("U1a2b3c4d5e6f70819a2b3c4d5e6f7081", "Aiko Tanaka"),
        new("U2b3c4d5e6f708192a3b4c5d6e7f80912", "Ben Carter"),
    ];

    public static readonly IReadOnlyList<PlaygroundGroup> Groups =
    [
        new("C3c4d5e6f708192a3b4c5d6e7f8091a2b", "Weekend trip", [.. Users.Select(u => u.Id)]),
    ];

    private static readonly HttpClient Http = CallerTimedHttpClient.Create();

    /// <summary>The bot behind the channel: its stored bot user id, else the one its credentials stand for in the playground.</summary>
    public async Task<string> BotOfAsync(string channelId, CancellationToken cancellationToken)
    {
        var stored = await channels.GetAsync(channelId, cancellationToken)
            ?? throw new DomainException(DomainError.NotFound, $"There is no channel '{channelId}'.", title: "No such channel");
        return stored.Channel.BotUserId ?? PlaygroundBots.UserIdOf(await credentials.GetAsync(channelId, cancellationToken));
    }

    public async Task<PlaygroundSent> SendAsync(PlaygroundAction action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        var channelId = action.ChannelId ?? throw DomainException.Invalid("channelId", "required");
        var user = Users.FirstOrDefault(u => u.Id == action.UserId) ?? throw DomainException.Invalid("userId", $"one of {string.Join(", ", Users.Select(u => u.Id))}");
        var group = action.GroupId is null ? null : Groups.FirstOrDefault(g => g.Id == action.GroupId) ?? throw DomainException.Invalid("groupId", $"one of {string.Join(", ", Groups.Select(g => g.Id))}, or none");
        var bot = await BotOfAsync(channelId, cancellationToken);
        var chat = group?.Id ?? user.Id;

        var now = clock.GetUtcNow();
        var webhookEventId = WebhookEventId(now);
        var source = group is null
            ? new JsonObject { ["type"] = "user", ["userId"] = user.Id }
            : new JsonObject { ["type"] = "group", ["groupId"] = group.Id, ["userId"] = user.Id };
        var evt = new JsonObject();
        switch (action.Type)
        {
            case "text":
                var text = action.Text is { Length: > 0 and <= MessageLimits.MaxTextLength } t ? t : throw DomainException.Invalid("text", $"1 to {MessageLimits.MaxTextLength} characters");
                evt["type"] = "message";
                evt["message"] = new JsonObject { ["id"] = chats.NextMessageId(), ["type"] = "text", ["quoteToken"] = Guid.NewGuid().ToString("N"), ["text"] = text };
                break;
            case "sticker":
                evt["type"] = "message";
                evt["message"] = new JsonObject
                {
                    ["id"] = chats.NextMessageId(), ["type"] = "sticker", ["quoteToken"] = Guid.NewGuid().ToString("N"),
                    ["packageId"] = action.PackageId ?? throw DomainException.Invalid("packageId", "required for a sticker"),
                    ["stickerId"] = action.StickerId ?? throw DomainException.Invalid("stickerId", "required for a sticker"),
                    ["stickerResourceType"] = "STATIC", ["keywords"] = new JsonArray(),
                };
                break;
            case "image":
                var imageId = action.ImageId is { } id && chats.Image(id) is not null ? id : throw DomainException.Invalid("imageId", "an image uploaded to /playground/images");
                evt["type"] = "message";
                evt["message"] = new JsonObject
                {
                    ["id"] = imageId, ["type"] = "image", ["quoteToken"] = Guid.NewGuid().ToString("N"),
                    ["contentProvider"] = new JsonObject { ["type"] = "line" },
                };
                break;
            case "follow" when group is null:
                evt["type"] = "follow";
                evt["follow"] = new JsonObject { ["isUnblocked"] = false };
                break;
            case "unfollow" when group is null:
                evt["type"] = "unfollow";
                break;
            default:
                throw DomainException.Invalid("type", "text, sticker or image; follow or unfollow outside a group");
        }

        if (evt["message"] is JsonObject sentMessage && group is null)
        {
            // LINE gives read tokens for one-to-one chats: staff replies mark the user's messages read with them.
            sentMessage["markAsReadToken"] = chats.IssueReadToken(bot, chat);
        }

        if (evt["type"]!.GetValue<string>() != "unfollow")
        {
            evt["replyToken"] = chats.IssueReplyToken(bot, chat);
        }

        evt["source"] = source;
        evt["timestamp"] = now.ToUnixTimeMilliseconds();
        evt["mode"] = "active";
        evt["webhookEventId"] = webhookEventId;
        evt["deliveryContext"] = new JsonObject { ["isRedelivery"] = false };
        var body = new JsonObject { ["destination"] = bot, ["events"] = new JsonArray(evt) };
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());

        var secret = (await secrets.GetAsync(channelId, refresh: false, cancellationToken)).ChannelSecret
            ?? throw new DomainException(DomainError.Misconfigured, $"Channel '{channelId}' has no channel secret to sign the playground's webhooks with.");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(options.SelfUrl, $"api/line/{Uri.EscapeDataString(channelId)}"))
        {
            Content = new ByteArrayContent(bytes) { Headers = { ContentType = new("application/json") { CharSet = "utf-8" } } },
        };
        request.Headers.Add(LineSignature.HeaderName, LineSignature.Compute(bytes, secret));
        request.Headers.UserAgent.ParseAdd("LineBotWebhook/2.0");
        using var response = await Http.SendAsync(request, cancellationToken);

        using var sent = JsonDocument.Parse(evt.ToJsonString());
        var line = chats.Add(bot, chat, "in", user.Id, sent.RootElement, null);
        return new PlaygroundSent(webhookEventId, (int)response.StatusCode, line);
    }

    /// <summary>A ULID-shaped id (26 characters, time first), as LINE's webhook event ids are.</summary>
    private static string WebhookEventId(DateTimeOffset now)
    {
        const string alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        var chars = new char[26];
        var time = now.ToUnixTimeMilliseconds();
        for (var i = 9; i >= 0; i--, time >>= 5)
        {
            chars[i] = alphabet[(int)(time & 31)];
        }

        var random = Guid.NewGuid().ToByteArray();
        for (var i = 10; i < 26; i++)
        {
            chars[i] = alphabet[random[i - 10] & 31];
        }

        return new string(chars);
    }
}
