using System.Text.Json;
using System.Text.Json.Serialization;
using LineConnector.Core.Line.Api;

namespace LineConnector.Functions.Playground;

/// <summary>A LINE user the playground can act as.</summary>
public sealed record PlaygroundUser(string Id, string Name);

/// <summary>A group chat of playground users.</summary>
public sealed record PlaygroundGroup(string Id, string Name, IReadOnlyList<string> Members);

/// <summary>
/// One line of a playground chat: what a user sent (<c>in</c>, the webhook event as sent), what the
/// bot sent (<c>out</c>, the LINE message object as LINE received it, with its <c>sender</c> and <c>quickReply</c>),
/// or what the bot did: marked the user's messages <c>read</c>, showed the <c>loading</c> animation (the request's body).
/// </summary>
/// <param name="Chat">The user id of a one-to-one chat, or the group id.</param>
/// <param name="Via">For <c>out</c>: reply or push.</param>
public sealed record ChatLine(long Seq, string Bot, string Chat, string Direction, string? UserId, JsonElement Content, string? Via, DateTimeOffset At);

/// <summary>The playground's state for one channel.</summary>
public sealed record PlaygroundState(
    bool LineStandIn, string ChannelId, string? Bot, IReadOnlyList<PlaygroundUser> Users, IReadOnlyList<PlaygroundGroup> Groups, IReadOnlyList<ChatLine> Lines);

/// <summary>What a playground user does: send a message (text, sticker, image), follow or unfollow the account.</summary>
/// <param name="GroupId">Set to act in a group chat instead of the one-to-one chat.</param>
/// <param name="ImageId">An image uploaded with <c>POST /playground/images</c>.</param>
public sealed record PlaygroundAction(
    string? ChannelId, string? UserId, string? GroupId, string? Type, string? Text = null, string? PackageId = null, string? StickerId = null, string? ImageId = null);

/// <summary>The webhook the playground sent, and how the connector answered it.</summary>
public sealed record PlaygroundSent(string WebhookEventId, int Status, ChatLine Line);

public sealed record UploadedImage(string Id, string ContentType, long Size);

/// <summary>A staff desk's enquiry: what the connector sent the desk about it, newest last.</summary>
public sealed record DeskEnquiry(
    string Id, string ChannelId, string DestinationId, string ChannelName, string CustomInfo, string StaffNameFormat, string State,
    JsonElement? Source, IReadOnlyList<DeskEntry> Entries, DateTimeOffset LastAt);

/// <param name="Kind">event (from the user), delivery (how a reply ended), enquiry-closed, or staff (what the desk sent).</param>
public sealed record DeskEntry(string Kind, JsonElement? Content, string? Text, DateTimeOffset At);

/// <summary>A staff member's answer from the desk page.</summary>
public sealed record DeskReply(string? StaffId, string? FirstName, string? LastName, string? Text, IReadOnlyList<string>? QuickReplies = null);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PlaygroundState))]
[JsonSerializable(typeof(PlaygroundAction))]
[JsonSerializable(typeof(PlaygroundSent))]
[JsonSerializable(typeof(UploadedImage))]
[JsonSerializable(typeof(IReadOnlyList<DeskEnquiry>))]
[JsonSerializable(typeof(DeskReply))]
[JsonSerializable(typeof(BotInfo))]
[JsonSerializable(typeof(LineError))]
[JsonSerializable(typeof(JsonElement))]
public sealed partial class PlaygroundJsonContext : JsonSerializerContext;
