using LineConnector.Core.Channels;
using LineConnector.Core.Outbound;
using LineConnector.Core.Routing;

namespace LineConnector.Core.Enquiries;

/// <summary>
/// An enquiry as stored: the lifecycle's <see cref="Enquiry"/> with what the connector keeps beside
/// it, and the ETag of its row (optimistic concurrency: the inbound function and the enquiry API
/// may change one enquiry at the same time).
/// </summary>
public sealed record StoredEnquiry
{
    public required string ChannelId { get; init; }

    public required Enquiry Enquiry { get; init; }

    /// <summary>LINE's source type: <c>user</c>, <c>group</c> or <c>room</c>.</summary>
    public required string SourceType { get; init; }

    /// <summary>The name of <see cref="Enquiries.Enquiry.StaffMemberId"/> as the last staff reply gave it, for <c>{staff}</c>.</summary>
    public StaffName? StaffName { get; init; }

    /// <summary>The webhook event that opened the enquiry.</summary>
    public string? OpenedByEventId { get; init; }

    /// <summary>The reply token of the source's latest event, offered to replies while it is fresh.</summary>
    public OutboundReply? LatestReply { get; init; }

    /// <summary>The <c>markAsReadToken</c> of the user's latest message: read receipts mark it and everything before it as read.</summary>
    public string? MarkAsReadToken { get; init; }

    /// <summary>Effects decided but not all carried out yet, and the <c>line-inbound</c> message or API call that caused them.</summary>
    public PendingEffects? Pending { get; init; }

    /// <summary>The number of the oldest of the <see cref="Enquiry.KeptEvents"/> kept events' rows; the next one kept gets this plus their count.</summary>
    public long FirstKept { get; init; }

    /// <summary>How many events of the conversation went into the enquiry's history; the next one gets this number.</summary>
    public long History { get; init; }

    /// <summary>The transformer functions' storage object for this enquiry, as JSON (at most <see cref="Transformers.TransformerRunner.MaxStorageBytes"/>); null: none yet.</summary>
    public string? TransformerStorage { get; init; }

    /// <summary>The user's language as set for the enquiry and as detected in their texts (real-time translation).</summary>
    public Translation.EnquiryLanguages Languages { get; init; } = Translation.EnquiryLanguages.None;

    public string? ETag { get; init; }

    public string Id => Enquiry.Id;
}

/// <summary>
/// Effects a cause (a webhook event id, a check id, an API call) decided for an enquiry, stored with
/// the enquiry in the same write: a crash between the effects leaves them here, and the cause's
/// redelivery carries out what is left instead of deciding again.
/// </summary>
public sealed record PendingEffects(string Cause, IReadOnlyList<EnquiryEffect> Effects);

/// <summary>A source's row: its current enquiry, and who served it last (sticky routing) before that enquiry.</summary>
public sealed record SourceRecord(string ChannelId, string SourceId, string? CurrentEnquiryId, LastService? LastService, string? ETag = null);

/// <summary>What became of one <c>line-inbound</c> message (or API cause): kept so that a redelivery does nothing twice.</summary>
/// <param name="Outcome">A word an operator can filter on: opened, continued, resumed, ignored, checked, rejected.</param>
/// <param name="Detail">A sentence saying why.</param>
public sealed record ProcessedCause(string ChannelId, string Cause, string? EnquiryId, string EventType, string Outcome, string Detail, DateTimeOffset ProcessedAt);

/// <summary>An event of the enquiry's conversation as LINE sent it (or as injected), for the history staff receive with a handover.</summary>
public sealed record HistoryEvent(string EnquiryId, long Number, string EventId, string Event, DateTimeOffset ReceivedAt);

/// <summary>An event kept for an enquiry that no destination had when it came, as LINE sent it.</summary>
/// <param name="Number">Its place in the enquiry's order of arrival.</param>
/// <param name="EventId">The webhook event id: the destination sees it as the message id, as when the event is forwarded at once.</param>
public sealed record KeptEvent(string EnquiryId, long Number, string EventId, string Event);
