using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace LineConnector.Core.Line.Events;

/// <summary>Turns one event's JSON into its typed record, or an <see cref="UnknownEvent"/>; never throws on content.</summary>
public static class WebhookEventReader
{
    public static WebhookEvent Read(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return Unknown(element, "", $"an event must be a JSON object, not {element.ValueKind}");
        }

        var type = element.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
        if (KnownType(type) is not { } typeInfo)
        {
            return Unknown(element, type, parseError: null);
        }

        try
        {
            return (WebhookEvent?)element.Deserialize(typeInfo) ?? Unknown(element, type, "the event is null");
        }
        catch (JsonException e)
        {
            return Unknown(element, type, $"a '{type}' event did not match LINE's schema: {e.Message}");
        }
    }

    public static WebhookEvent Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Read(document.RootElement);
    }

    private static UnknownEvent Unknown(JsonElement element, string type, string? parseError)
    {
        string Text(string name) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : "";

        return new UnknownEvent
        {
            Type = type,
            Mode = Text("mode"),
            WebhookEventId = Text("webhookEventId"),
            Timestamp = element.ValueKind == JsonValueKind.Object && element.TryGetProperty("timestamp", out var ts) && ts.ValueKind == JsonValueKind.Number && ts.TryGetInt64(out var ms) ? ms : 0,
            Source = TrySource(element),
            Raw = element.Clone(),
            ParseError = parseError,
        };
    }

    private static EventSource? TrySource(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("source", out var source) || source.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        string? Text(string name) => source.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        return new EventSource { Type = Text("type") ?? "", UserId = Text("userId"), GroupId = Text("groupId"), RoomId = Text("roomId") };
    }

    private static JsonTypeInfo? KnownType(string type) => type switch
    {
        "message" => WebhookJsonContext.Default.MessageEvent,
        "messageEdited" => WebhookJsonContext.Default.MessageEditedEvent,
        "unsend" => WebhookJsonContext.Default.UnsendEvent,
        "follow" => WebhookJsonContext.Default.FollowEvent,
        "unfollow" => WebhookJsonContext.Default.UnfollowEvent,
        "join" => WebhookJsonContext.Default.JoinEvent,
        "leave" => WebhookJsonContext.Default.LeaveEvent,
        "memberJoined" => WebhookJsonContext.Default.MemberJoinedEvent,
        "memberLeft" => WebhookJsonContext.Default.MemberLeftEvent,
        "postback" => WebhookJsonContext.Default.PostbackEvent,
        "videoPlayComplete" => WebhookJsonContext.Default.VideoPlayCompleteEvent,
        "beacon" => WebhookJsonContext.Default.BeaconEvent,
        "accountLink" => WebhookJsonContext.Default.AccountLinkEvent,
        "membership" => WebhookJsonContext.Default.MembershipEvent,
        "module" => WebhookJsonContext.Default.ModuleEvent,
        "activated" => WebhookJsonContext.Default.ActivatedEvent,
        "deactivated" => WebhookJsonContext.Default.DeactivatedEvent,
        "botSuspended" => WebhookJsonContext.Default.BotSuspendedEvent,
        "botResumed" => WebhookJsonContext.Default.BotResumedEvent,
        "delivery" => WebhookJsonContext.Default.DeliveryEvent,
        _ => null,
    };
}
