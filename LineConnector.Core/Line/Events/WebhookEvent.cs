using System.Text.Json;
using System.Text.Json.Serialization;

namespace LineConnector.Core.Line.Events;

/// <summary>
/// A LINE webhook event (webhook.yml, <c>Event</c>). Each known <c>type</c> has its own record;
/// anything else, or a known type whose shape does not parse, is an <see cref="UnknownEvent"/>
/// that keeps the raw JSON, because LINE adds event types without notice.
/// </summary>
public abstract record WebhookEvent
{
    public string Type { get; init; } = "";

    /// <summary><c>active</c> or <c>standby</c>; a standby event must never be answered.</summary>
    public string Mode { get; init; } = "";

    /// <summary>Milliseconds since the Unix epoch.</summary>
    public long Timestamp { get; init; }

    /// <summary>Absent on some events (e.g. module events).</summary>
    public EventSource? Source { get; init; }

    /// <summary>A ULID unique per event; the same on a redelivery.</summary>
    public string WebhookEventId { get; init; } = "";

    public DeliveryContext? DeliveryContext { get; init; }

    [JsonIgnore]
    public bool IsStandby => Mode == "standby";

    [JsonIgnore]
    public bool IsRedelivery => DeliveryContext?.IsRedelivery == true;
}

/// <summary>Events that carry a reply token (usable once, for about a minute).</summary>
public interface IReplyableEvent
{
    string? ReplyToken { get; }
}

public sealed record DeliveryContext
{
    public bool IsRedelivery { get; init; }
}

/// <summary>Where the event came from: <c>user</c>, <c>group</c> or <c>room</c>.</summary>
public sealed record EventSource
{
    public string Type { get; init; } = "";
    public string? UserId { get; init; }
    public string? GroupId { get; init; }
    public string? RoomId { get; init; }

    /// <summary>The conversation's id: the group or room when there is one, else the user.</summary>
    [JsonIgnore]
    public string? ConversationId => Type switch
    {
        "group" => GroupId,
        "room" => RoomId,
        _ => UserId,
    };
}

public sealed record MessageEvent : WebhookEvent, IReplyableEvent
{
    public string? ReplyToken { get; init; }
    public required MessageContent Message { get; init; }
}

/// <summary>A user edited a text message (group chats only). Events may arrive out of order: the largest timestamp wins.</summary>
public sealed record MessageEditedEvent : WebhookEvent, IReplyableEvent
{
    public string? ReplyToken { get; init; }
    public required MessageContent Message { get; init; }
}

public sealed record UnsendEvent : WebhookEvent
{
    public required UnsendDetail Unsend { get; init; }
}

public sealed record UnsendDetail
{
    public string MessageId { get; init; } = "";
}

public sealed record FollowEvent : WebhookEvent, IReplyableEvent
{
    public string? ReplyToken { get; init; }
    public FollowDetail? Follow { get; init; }
}

public sealed record FollowDetail
{
    public bool IsUnblocked { get; init; }
}

public sealed record UnfollowEvent : WebhookEvent;

public sealed record JoinEvent : WebhookEvent, IReplyableEvent
{
    public string? ReplyToken { get; init; }
}

public sealed record LeaveEvent : WebhookEvent;

public sealed record MemberJoinedEvent : WebhookEvent, IReplyableEvent
{
    public string? ReplyToken { get; init; }
    public required MemberList Joined { get; init; }
}

public sealed record MemberLeftEvent : WebhookEvent
{
    public required MemberList Left { get; init; }
}

public sealed record MemberList
{
    public IReadOnlyList<EventSource> Members { get; init; } = [];
}

public sealed record PostbackEvent : WebhookEvent, IReplyableEvent
{
    public string? ReplyToken { get; init; }
    public required PostbackContent Postback { get; init; }
}

public sealed record PostbackContent
{
    public string Data { get; init; } = "";

    /// <summary>Date-time picker and rich menu switch results (<c>date</c>, <c>time</c>, <c>datetime</c>, <c>newRichMenuAliasId</c>, <c>status</c>).</summary>
    public IReadOnlyDictionary<string, string>? Params { get; init; }
}

public sealed record VideoPlayCompleteEvent : WebhookEvent, IReplyableEvent
{
    public string? ReplyToken { get; init; }
    public required VideoPlayComplete VideoPlayComplete { get; init; }
}

public sealed record VideoPlayComplete
{
    public string TrackingId { get; init; } = "";
}

public sealed record BeaconEvent : WebhookEvent, IReplyableEvent
{
    public string? ReplyToken { get; init; }
    public required BeaconContent Beacon { get; init; }
}

public sealed record BeaconContent
{
    public string Hwid { get; init; } = "";

    /// <summary><c>enter</c>, <c>banner</c> or <c>stay</c>.</summary>
    public string Type { get; init; } = "";

    public string? Dm { get; init; }
}

public sealed record AccountLinkEvent : WebhookEvent, IReplyableEvent
{
    public string? ReplyToken { get; init; }
    public required LinkContent Link { get; init; }
}

public sealed record LinkContent
{
    /// <summary><c>ok</c> or <c>failed</c>.</summary>
    public string Result { get; init; } = "";

    public string Nonce { get; init; } = "";
}

public sealed record MembershipEvent : WebhookEvent, IReplyableEvent
{
    public string? ReplyToken { get; init; }
    public required MembershipContent Membership { get; init; }
}

public sealed record MembershipContent
{
    /// <summary><c>joined</c>, <c>left</c> or <c>renewed</c>.</summary>
    public string Type { get; init; } = "";

    public long MembershipId { get; init; }
}

public sealed record ModuleEvent : WebhookEvent
{
    public required ModuleContent Module { get; init; }
}

public sealed record ModuleContent
{
    /// <summary><c>attached</c> or <c>detached</c>.</summary>
    public string Type { get; init; } = "";

    public string BotId { get; init; } = "";

    /// <summary>For <c>attached</c>.</summary>
    public IReadOnlyList<string>? Scopes { get; init; }

    /// <summary>For <c>detached</c>, e.g. <c>bot_deleted</c>.</summary>
    public string? Reason { get; init; }
}

public sealed record ActivatedEvent : WebhookEvent
{
    public required ChatControl ChatControl { get; init; }
}

public sealed record ChatControl
{
    public long ExpireAt { get; init; }
}

public sealed record DeactivatedEvent : WebhookEvent;

public sealed record BotSuspendedEvent : WebhookEvent;

public sealed record BotResumedEvent : WebhookEvent;

/// <summary>The <c>delivery</c> event: a LINE notification message was delivered.</summary>
public sealed record DeliveryEvent : WebhookEvent
{
    public required DeliveryContent Delivery { get; init; }
}

public sealed record DeliveryContent
{
    public string Data { get; init; } = "";
}

/// <summary>
/// An event type this version does not know, or a known type whose shape did not parse.
/// The raw JSON is kept so that it can be forwarded as it came.
/// </summary>
public sealed record UnknownEvent : WebhookEvent
{
    public required JsonElement Raw { get; init; }

    /// <summary>Why a known type was not understood; null for a type this version does not know.</summary>
    public string? ParseError { get; init; }
}
