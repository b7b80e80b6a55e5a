using System.Text.Json.Serialization;

namespace LineConnector.Core.Outbound;

/// <summary>
/// What became of each outbound message, kept durably (Table Storage; see <see cref="TableOutboundRecords"/>)
/// so that a redelivered queue message, on any instance and after any restart, resumes where the last
/// delivery stopped (requests already sent are not sent again) and ends with one recorded result. Also
/// keeps which message claimed a reply token: LINE accepts each at most once, and a reply whose outcome
/// is unknown must never be followed by a push of the same messages. Failures to reach the store throw,
/// and the queue redelivers.
/// </summary>
public interface IOutboundRecords
{
    /// <summary>
    /// The message's record (empty when it is new). With <paramref name="freshReplyToken"/> (a reply token
    /// still young enough to use), the token is claimed for this message if nobody holds it; the record's
    /// <see cref="OutboundRecord.Reply"/> says how that went. Without it, <see cref="OutboundRecord.Reply"/>
    /// only tells whether an earlier delivery tried a reply (<see cref="ReplyState.TriedBefore"/>).
    /// </summary>
    Task<OutboundRecord> StartAsync(OutboundKey key, string? freshReplyToken, CancellationToken cancellationToken);

    /// <summary>Records that one request of the message reached LINE; returns the record as stored (an index recorded before keeps its first record).</summary>
    Task<OutboundRecord> AddSentAsync(OutboundRecord record, SentRequest sent, CancellationToken cancellationToken);

    /// <summary>
    /// Records how the message ended, with every request of <see cref="OutboundResult.Requests"/> not recorded yet.
    /// Once recorded, a result does not change: returns the record as stored, whose result may be an earlier one.
    /// </summary>
    Task<OutboundRecord> FinishAsync(OutboundRecord record, OutboundResult result, CancellationToken cancellationToken);

    /// <summary>Records that the result was reported, so a redelivery does not report it again.</summary>
    Task MarkReportedAsync(OutboundRecord record, CancellationToken cancellationToken);

    /// <summary>Gives the reply token back: the reply this message claimed it for certainly never reached LINE (or was never tried).</summary>
    Task<OutboundRecord> ReleaseReplyTokenAsync(OutboundRecord record, string replyToken, CancellationToken cancellationToken);
}

/// <summary>Which outbound message a record is of. Channel and recipient are null (or invalid) only for a queue message that could not be read.</summary>
public sealed record OutboundKey(string OutboundId, string? ChannelId, string? Recipient)
{
    public static OutboundKey Of(OutboundRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new(request.OutboundId, request.ChannelId, request.Recipient);
    }
}

/// <summary>Where a message stands with its reply token.</summary>
public enum ReplyState
{
    /// <summary>No reply was tried for this message (no token, a stale one, or one given back).</summary>
    NotTried,

    /// <summary>This delivery has just claimed the token: it is the first to use it.</summary>
    Claimed,

    /// <summary>An earlier delivery of this message claimed the token and tried the reply; its outcome is unknown.</summary>
    TriedBefore,

    /// <summary>Another message holds the token: this one is pushed.</summary>
    HeldByAnother,
}

/// <summary>An outbound message's progress: requests sent so far (by index), its result once it ended, and its reply token.</summary>
/// <param name="ETag">The stored row's version (null: nothing stored yet); writes are conditional on it.</param>
public sealed record OutboundRecord(OutboundKey Key, IReadOnlyList<SentRequest> Sent, OutboundResult? Result, bool Reported, ReplyState Reply, string? ETag);

[JsonConverter(typeof(DeliveryMethodJson))]
public enum DeliveryMethod
{
    /// <summary>With the event's reply token: free.</summary>
    Reply,

    /// <summary>Counted against the channel's monthly quota.</summary>
    Push,
}

/// <summary>One request to LINE (up to 5 message objects) that was sent.</summary>
/// <param name="Index">Which request of the message: 0 for its first 5 objects, 1 for the next 5...</param>
/// <param name="MessageIds">LINE's ids of the messages sent, in order (empty when LINE did not list them).</param>
/// <param name="RequestId">LINE's request id (on a duplicate push, the id of the request LINE had accepted).</param>
public sealed record SentRequest(int Index, DeliveryMethod Method, IReadOnlyList<string> MessageIds, string? RequestId, DateTimeOffset SentAt)
{
    // Lists compared by their items, so that a record read back from the store equals the one written.
    public bool Equals(SentRequest? other) =>
        other is not null && Index == other.Index && Method == other.Method && MessageIds.SequenceEqual(other.MessageIds) && RequestId == other.RequestId && SentAt == other.SentAt;

    public override int GetHashCode() => HashCode.Combine(Index, Method, MessageIds.Count, RequestId, SentAt);
}

[JsonConverter(typeof(OutboundStatusJson))]
public enum OutboundStatus
{
    Delivered,
    Failed,

    /// <summary>
    /// A reply's outcome is unknown (LINE timed out or failed, then refused the token as used): the user
    /// may or may not have the messages. They are not pushed, so that nobody gets them twice.
    /// </summary>
    Uncertain,
}

/// <summary>Why an outbound message did not end delivered.</summary>
[JsonConverter(typeof(OutboundFailureKindJson))]
public enum OutboundFailureKind
{
    /// <summary>The queue message is not a valid outbound message.</summary>
    Malformed,

    /// <summary>The outbound policy refused a message object or the list.</summary>
    Refused,

    /// <summary>LINE refused the request (4xx).</summary>
    RejectedByLine,

    /// <summary>The channel reached its monthly message limit.</summary>
    MonthlyLimit,

    /// <summary>The channel is unknown or has no channel access token.</summary>
    NoChannel,

    /// <summary>A transient failure lasted through the queue's last delivery.</summary>
    GaveUp,

    /// <summary>The reply's outcome is unknown (<see cref="OutboundStatus.Uncertain"/>).</summary>
    Uncertain,
}

/// <summary>Why a message did not end delivered: its kind, a sentence saying what went wrong, and every detail (policy reasons, LINE's details).</summary>
public sealed record OutboundFailure(OutboundFailureKind Kind, string Reason, IReadOnlyList<string> Details)
{
    /// <summary>LINE's HTTP status, when LINE answered.</summary>
    public int? LineStatus { get; init; }

    public string? LineRequestId { get; init; }

    public bool Equals(OutboundFailure? other) =>
        other is not null && Kind == other.Kind && Reason == other.Reason && Details.SequenceEqual(other.Details) && LineStatus == other.LineStatus && LineRequestId == other.LineRequestId;

    public override int GetHashCode() => HashCode.Combine(Kind, Reason, Details.Count, LineStatus, LineRequestId);
}

/// <summary>How an outbound message ended; what is recorded and reported to the destination.</summary>
/// <param name="ChannelId">Null only when the queue message could not be read.</param>
/// <param name="SentMessageIds">LINE's ids of every message sent, in order: all of them when delivered, those sent before the failure otherwise.</param>
public sealed record OutboundResult(
    string OutboundId,
    string? ChannelId,
    string? EnquiryId,
    string? Recipient,
    string? ReportTo,
    OutboundStatus Status,
    IReadOnlyList<string> SentMessageIds,
    IReadOnlyList<SentRequest> Requests,
    OutboundFailure? Failure,
    DateTimeOffset FinishedAt)
{
    public bool Equals(OutboundResult? other) =>
        other is not null
        && OutboundId == other.OutboundId && ChannelId == other.ChannelId && EnquiryId == other.EnquiryId && Recipient == other.Recipient && ReportTo == other.ReportTo
        && Status == other.Status && SentMessageIds.SequenceEqual(other.SentMessageIds) && Requests.SequenceEqual(other.Requests)
        && Equals(Failure, other.Failure) && FinishedAt == other.FinishedAt;

    public override int GetHashCode() => HashCode.Combine(OutboundId, Status, SentMessageIds.Count, Requests.Count, Failure, FinishedAt);
}
