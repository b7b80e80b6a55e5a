using System.Text.Json.Serialization;

namespace LineConnector.Core.Line.Events;

/// <summary>
/// A LINE webhook event (webhook.yml, <c>Event</c>) as the connector reads it: what it is, where it
/// came from, its reply token and, for a message, what the message is. The webhook reads it once
/// (<see cref="WebhookEventReader"/>) and the inbound handler receives it with the event itself, which
/// goes to destinations exactly as LINE sent it; nothing else of the event is read.
/// </summary>
public sealed record WebhookEvent
{
    /// <summary>LINE's <c>type</c> as sent; <see cref="Kind"/> is <see cref="WebhookEventKind.Unknown"/> for a type this version does not know.</summary>
    public required string Type { get; init; }

    /// <summary><c>active</c> or <c>standby</c> (an event sent without a mode is active).</summary>
    public string Mode { get; init; } = WebhookEventReader.ActiveMode;

    /// <summary>A ULID unique per event, the same on a redelivery; null when LINE sent none.</summary>
    public string? WebhookEventId { get; init; }

    /// <summary>Absent on events about the account (e.g. module events).</summary>
    public EventSource? Source { get; init; }

    /// <summary>Only on events LINE lets the bot answer (<see cref="WebhookEventKinds.CarriesReplyToken"/>).</summary>
    public string? ReplyToken { get; init; }

    /// <summary>The message of a <c>message</c> or <c>messageEdited</c> event.</summary>
    public EventMessage? Message { get; init; }

    [JsonIgnore]
    public WebhookEventKind Kind => WebhookEventKinds.Of(Type);

    /// <summary>Another channel has the chat: LINE forbids answering the event.</summary>
    [JsonIgnore]
    public bool IsStandby => Mode == WebhookEventReader.StandbyMode;
}

/// <summary>Where the event came from: a user, a group or a room.</summary>
public sealed record EventSource
{
    /// <summary><c>user</c>, <c>group</c> or <c>room</c>.</summary>
    public required string Type { get; init; }

    /// <summary>The user; in a group or room, the member who acted (when LINE says).</summary>
    public string? UserId { get; init; }

    public string? GroupId { get; init; }

    public string? RoomId { get; init; }

    /// <summary>
    /// The conversation, and so the enquiry, the event belongs to: the group or the room when the
    /// event happened in one, else the user; null for a user LINE does not name.
    /// </summary>
    [JsonIgnore]
    public string? ConversationId => Type switch
    {
        WebhookEventReader.GroupSource => GroupId,
        WebhookEventReader.RoomSource => RoomId,
        _ => UserId,
    };
}

/// <summary>The <c>message</c> of a message event: its type, LINE's id, and who keeps its content.</summary>
public sealed record EventMessage
{
    /// <summary>LINE's <c>type</c> as sent: <c>text</c>, <c>image</c>, <c>video</c>, <c>audio</c>, <c>file</c>, <c>location</c>, <c>sticker</c>, or a newer one.</summary>
    public required string Type { get; init; }

    public required string Id { get; init; }

    /// <summary><c>contentProvider.type</c> of an image, video or audio: <c>line</c> (fetch it from LINE's content API) or <c>external</c>.</summary>
    public string? ContentProvider { get; init; }

    /// <summary>The token that marks this message and the ones before it as read (<c>POST /v2/bot/chat/markAsRead</c>); null when LINE sent none usable.</summary>
    public string? MarkAsReadToken { get; init; }
}

/// <summary>Why an event cannot be used, with what could be read of it.</summary>
/// <param name="Type">The event's <c>type</c>, when it could be read.</param>
/// <param name="WebhookEventId">The event's id, when it could be read.</param>
public sealed record EventProblem(string Reason, string? Type, string? WebhookEventId);

/// <summary>The event types of webhook.yml, and <see cref="Unknown"/> for any other: LINE adds types without notice.</summary>
public enum WebhookEventKind
{
    Unknown,
    Message,
    MessageEdited,
    Unsend,
    Follow,
    Unfollow,
    Join,
    Leave,
    MemberJoined,
    MemberLeft,
    Postback,
    VideoPlayComplete,
    Beacon,
    AccountLink,
    Membership,
    Module,
    Activated,
    Deactivated,
    BotSuspended,
    BotResumed,
    Delivery,
}

public static class WebhookEventKinds
{
    public static WebhookEventKind Of(string? type) => type switch
    {
        "message" => WebhookEventKind.Message,
        "messageEdited" => WebhookEventKind.MessageEdited,
        "unsend" => WebhookEventKind.Unsend,
        "follow" => WebhookEventKind.Follow,
        "unfollow" => WebhookEventKind.Unfollow,
        "join" => WebhookEventKind.Join,
        "leave" => WebhookEventKind.Leave,
        "memberJoined" => WebhookEventKind.MemberJoined,
        "memberLeft" => WebhookEventKind.MemberLeft,
        "postback" => WebhookEventKind.Postback,
        "videoPlayComplete" => WebhookEventKind.VideoPlayComplete,
        "beacon" => WebhookEventKind.Beacon,
        "accountLink" => WebhookEventKind.AccountLink,
        "membership" => WebhookEventKind.Membership,
        "module" => WebhookEventKind.Module,
        "activated" => WebhookEventKind.Activated,
        "deactivated" => WebhookEventKind.Deactivated,
        "botSuspended" => WebhookEventKind.BotSuspended,
        "botResumed" => WebhookEventKind.BotResumed,
        "delivery" => WebhookEventKind.Delivery,
        _ => WebhookEventKind.Unknown,
    };

    /// <summary>The events webhook.yml gives a <c>replyToken</c> (usable once, for about a minute).</summary>
    public static bool CarriesReplyToken(WebhookEventKind kind) => kind is WebhookEventKind.Message or WebhookEventKind.MessageEdited
        or WebhookEventKind.Follow or WebhookEventKind.Join or WebhookEventKind.MemberJoined or WebhookEventKind.Postback
        or WebhookEventKind.VideoPlayComplete or WebhookEventKind.Beacon or WebhookEventKind.AccountLink or WebhookEventKind.Membership;

    /// <summary>The events that carry a <c>message</c>.</summary>
    public static bool CarriesMessage(WebhookEventKind kind) => kind is WebhookEventKind.Message or WebhookEventKind.MessageEdited;
}
