using System.Text.Json;
using System.Text.Json.Serialization;

namespace LineConnector.Core.Destinations;

/// <summary>
/// What the connector sends a destination (the JSON body of the signed POST, or of the Service Bus
/// message): an event of an enquiry's conversation, the result of a reply it sent, or the notice
/// that its enquiry was closed without it. Never carries LINE credentials.
/// </summary>
public sealed record DestinationMessage
{
    public const string EventKind = "event";
    public const string DeliveryKind = "delivery";
    public const string ClosedKind = "enquiry-closed";
    public const string HandoverKind = "handover";
    public const string HandedOverKind = "handed-over";
    public const string HandbackKind = "handback";

    /// <summary><see cref="EventKind"/>, <see cref="DeliveryKind"/>, <see cref="ClosedKind"/>, <see cref="HandoverKind"/>, <see cref="HandedOverKind"/> or <see cref="HandbackKind"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>The same on every resend of this message (also the <c>X-Connector-Delivery-Id</c> header): destinations drop repeats by it.</summary>
    public required string Id { get; init; }

    public required EnquiryInfo Enquiry { get; init; }

    public required ChannelInfo Channel { get; init; }

    /// <summary>The LINE source (user, group or room) as LINE sent it.</summary>
    public JsonElement? Source { get; init; }

    /// <summary>For <see cref="EventKind"/>: the webhook event as LINE sent it.</summary>
    public JsonElement? Event { get; init; }

    /// <summary>
    /// For an <c>unsend</c> event: the id of the message the user withdrew (<c>unsend.messageId</c>, the
    /// <c>message.id</c> of an event forwarded before). Remove it wherever it is shown.
    /// </summary>
    public string? WithdrawMessageId { get; init; }

    /// <summary>
    /// For <see cref="EventKind"/> to a staff destination of a channel with translation on: the user's text as written
    /// (the event's <c>message.text</c> is then the translation), the languages, or why it is untranslated.
    /// </summary>
    public Translation.TranslationInfo? Translation { get; init; }

    /// <summary>For <see cref="DeliveryKind"/>: how the reply ended.</summary>
    public DeliveryInfo? Delivery { get; init; }

    /// <summary>For <see cref="HandoverKind"/>, <see cref="HandedOverKind"/> and <see cref="HandbackKind"/>: the move, who asked and why.</summary>
    public MoveInfo? Move { get; init; }

    /// <summary>For <see cref="HandoverKind"/>: the enquiry's recent events, oldest first (empty where the channel keeps none).</summary>
    public IReadOnlyList<HistoryItem>? History { get; init; }

    public required DateTimeOffset SentAt { get; init; }
}

/// <param name="Kind">handover, transfer or handback.</param>
/// <param name="To">Null when the enquiry waits, missed, for staff to take it.</param>
/// <param name="By">The destination that asked, or <c>operator</c>.</param>
public sealed record MoveInfo(int Number, string Kind, DateTimeOffset At, string? From, string? To, string By, string? StaffMemberId, string? Reason, string? Note);

/// <param name="Event">The webhook event as LINE sent it (or as injected).</param>
public sealed record HistoryItem(string Id, DateTimeOffset ReceivedAt, JsonElement Event);

/// <summary>Reads what a destination must do about a LINE event beyond showing it.</summary>
public static class EventInstructions
{
    /// <summary><c>unsend.messageId</c> of an <c>unsend</c> event (webhook.yml, <c>UnsendDetail</c>); null for any other event.</summary>
    public static string? WithdrawnMessageId(JsonElement webhookEvent) =>
        webhookEvent.ValueKind == JsonValueKind.Object
        && webhookEvent.TryGetProperty("type", out var type) && type.ValueEquals("unsend")
        && webhookEvent.TryGetProperty("unsend", out var unsend) && unsend.ValueKind == JsonValueKind.Object
        && unsend.TryGetProperty("messageId", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()
            : null;
}

/// <param name="State">open, ongoing, missed or closed.</param>
/// <param name="StaffMemberId">The staff member sticky routing chose, or who replied last.</param>
public sealed record EnquiryInfo(string Id, string State, string? StaffMemberId);

/// <param name="StaffNameFormat">How the channel shows staff names: none, first or first-last.</param>
public sealed record ChannelInfo(string Id, string Name, string CustomInfo, string StaffNameFormat)
{
    public static ChannelInfo Of(Channels.Channel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var settings = channel.Settings;
        return new ChannelInfo(channel.Id, settings.Name, settings.CustomInfo, Channels.ChannelTexts.StaffNameFormat.Format(settings.StaffNameFormat));
    }
}

/// <param name="Status">delivered, failed, or uncertain (a reply whose outcome LINE left unknown; not pushed, so never twice).</param>
/// <param name="SentMessageIds">LINE's ids of the messages sent.</param>
public sealed record DeliveryInfo(string OutboundId, string Status, IReadOnlyList<string> SentMessageIds, DeliveryFailureInfo? Failure)
{
    /// <summary>Set while the channel has used most of its monthly message quota: pushes fail once it is used up.</summary>
    public string? QuotaWarning { get; init; }

    /// <summary>Set when the reply went to LINE untranslated because the channel's translation provider failed: why (as recorded).</summary>
    public string? TranslationFailure { get; init; }
}

/// <param name="Kind">malformed, refused, rejected-by-line, monthly-limit, no-channel, gave-up or uncertain.</param>
public sealed record DeliveryFailureInfo(string Kind, string Reason, IReadOnlyList<string> Details, int? LineStatus);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DestinationMessage))]
public sealed partial class DestinationJsonContext : JsonSerializerContext;
