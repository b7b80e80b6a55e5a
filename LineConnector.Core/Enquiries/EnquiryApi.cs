using System.Text.Json;
using System.Text.Json.Serialization;
using LineConnector.Core.Line.Api;
using LineConnector.Core.Routing;

namespace LineConnector.Core.Enquiries;

/// <summary>A staff member's reply: who speaks, and LINE message objects (judged by the outbound policy on delivery).</summary>
public sealed record StaffReplyRequest
{
    public StaffMember? Staff { get; init; }

    /// <summary>A JSON array of 1 to <see cref="EnquiryService.MaxMessagesPerReply"/> LINE message objects, e.g. <c>[{"type":"text","text":"Hello"}]</c>, sent in order.</summary>
    public JsonElement Messages { get; init; }
}

/// <param name="Id">The destination's own id for the person (<see cref="StaffMemberId.Rule"/>).</param>
/// <param name="FirstName">Shown per the channel's staff name format in <c>sender.name</c> and <c>{staff}</c>.</param>
public sealed record StaffMember(string? Id, string? FirstName = null, string? LastName = null);

/// <summary>Closing an enquiry; naming a staff member makes it closed by staff rather than by the destination.</summary>
public sealed record CloseRequest(string? StaffMemberId = null);

/// <summary>A handover, transfer or handback: where to (optional), who and why, recorded on the enquiry.</summary>
/// <param name="To">Handover and transfer: a staff destination (left out: the channel's handover rule chooses). Handback: a bot (left out: the bot that handed it over).</param>
/// <param name="StaffMemberId">The staff member who makes the move, if any.</param>
public sealed record EnquiryMoveRequest(string? To = null, string? Reason = null, string? Note = null, string? StaffMemberId = null);

/// <param name="Outcome">handed-over, waiting-for-staff, stays-with-bot, transferred or handed-back.</param>
/// <param name="Explanation">Why, in plain sentences: the rule's choice and what each party was sent.</param>
public sealed record MoveResult(string Outcome, EnquiryResource Enquiry, IReadOnlyList<string> Explanation);

/// <summary>An enquiry as the API shows it.</summary>
/// <param name="KeptEvents">Events of the user's that no destination has yet (a missed enquiry without one keeps them); the destination that takes it receives them first.</param>
/// <param name="OfferAt">While missed without a destination: when it is next offered to the routing rule.</param>
public sealed record EnquiryResource(
    string Id,
    string ChannelId,
    string State,
    string SourceType,
    string SourceId,
    string? DestinationId,
    string? StaffMemberId,
    DateTimeOffset OpenedAt,
    DateTimeOffset? AcceptBy,
    DateTimeOffset? AcceptedAt,
    DateTimeOffset? LastServedAt,
    DateTimeOffset LastActivityAt,
    DateTimeOffset? ClosedAt,
    string? ClosedBy,
    int KeptEvents,
    DateTimeOffset? OfferAt)
{
    /// <summary>Its moves between bot and staff, oldest first: who asked, when, why.</summary>
    public IReadOnlyList<EnquiryMove> Moves { get; init; } = [];

    public static EnquiryResource Of(StoredEnquiry stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var e = stored.Enquiry;
        return new EnquiryResource(
            e.Id, stored.ChannelId, EnquiryTexts.State.Format(e.State), stored.SourceType, e.SourceId, e.DestinationId, e.StaffMemberId,
            e.OpenedAt, e.AcceptBy, e.AcceptedAt, e.LastServedAt, e.LastActivityAt, e.ClosedAt, e.ClosedBy is { } by ? EnquiryTexts.Closer.Format(by) : null,
            e.KeptEvents, e.OfferAt)
        {
            Moves = e.Moves,
        };
    }
}

/// <param name="OutboundId">The id of the queued reply; the delivery report to the destination carries it.</param>
/// <param name="SenderName">The <c>sender.name</c> the messages go out with (null: the account's name).</param>
/// <param name="Note">Why the name was shortened or left out, when it was, and what the channel's handleOutput transformer did.</param>
public sealed record ReplyAccepted(string OutboundId, EnquiryResource Enquiry, string? SenderName, string? Note)
{
    /// <summary>Whether the user's messages were marked as read in LINE with the reply (the channel's read receipts).</summary>
    public Chat.ReadReceipt? ReadReceipt { get; init; }

    /// <summary>What the channel's real-time translation did with the reply: the languages, or why it went untranslated; null when it had nothing to do.</summary>
    public Translation.TranslationInfo? Translation { get; init; }

    /// <summary>The channel's handleOutput transformer dropped the reply: nothing goes to LINE (<see cref="Note"/> says why).</summary>
    public bool Dropped { get; init; }
}

/// <summary>The answer (202) while LINE still prepares a user's video or audio: ask again after <paramref name="RetryAfterSeconds"/>.</summary>
public sealed record ContentPreparing(string MessageId, int RetryAfterSeconds, string Detail);

/// <summary>A presence change: the destination's own (left out: unchanged) and its staff members'.</summary>
public sealed record PresenceRequest
{
    public bool? Available { get; init; }

    public IReadOnlyList<StaffPresenceRequest>? Staff { get; init; }
}

public sealed record StaffPresenceRequest(string? Id, bool? Available);

/// <summary>A destination's presence after a change.</summary>
/// <param name="OfferedEnquiries">Missed enquiries without a destination offered to the routing rule again because someone became available.</param>
public sealed record PresenceResource(string ChannelId, string DestinationId, bool Available, IReadOnlyList<string> AvailableStaff, int OfferedEnquiries);

/// <summary>A user's content as LINE gave it, or (<see cref="Content"/> null) the word that LINE is still preparing it (<see cref="EnquiryService.FetchContentAsync"/>).</summary>
public sealed record ContentDownload(string MessageId, MessageContent? Content)
{
    public static ContentDownload Preparing(string messageId) => new(messageId, null);
}

/// <summary>A channel's enquiries in one state (admin API), oldest first.</summary>
public sealed record EnquiryListResource(string ChannelId, string State, IReadOnlyList<EnquiryResource> Enquiries);

/// <summary>A what-if answer as the admin API shows it.</summary>
public sealed record WhatIfResource(
    string ChannelId,
    string SourceId,
    DateTimeOffset At,
    string? DestinationId,
    string? StaffMemberId,
    IReadOnlyList<DestinationShare> Shares,
    bool OpensEnquiry,
    string? CurrentEnquiryId,
    IReadOnlyList<string> AutoMessages,
    IReadOnlyList<string> Explanation);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StaffReplyRequest))]
[JsonSerializable(typeof(CloseRequest))]
[JsonSerializable(typeof(EnquiryMoveRequest))]
[JsonSerializable(typeof(InjectRequest))]
[JsonSerializable(typeof(InjectAccepted))]
[JsonSerializable(typeof(NotifyRequest))]
[JsonSerializable(typeof(NotifyAccepted))]
[JsonSerializable(typeof(MoveResult))]
[JsonSerializable(typeof(EnquiryResource))]
[JsonSerializable(typeof(ReplyAccepted))]
[JsonSerializable(typeof(ContentPreparing))]
[JsonSerializable(typeof(PresenceRequest))]
[JsonSerializable(typeof(PresenceResource))]
[JsonSerializable(typeof(EnquiryListResource))]
[JsonSerializable(typeof(WhatIfResource))]
public sealed partial class EnquiryApiJsonContext : JsonSerializerContext;
