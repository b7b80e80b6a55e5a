namespace LineConnector.Core.Outbound;

/// <summary>
/// What became of each outbound message, kept so that a redelivered queue message resumes where the
/// last delivery stopped (requests already sent are not sent again) and ends with one recorded result.
/// Also remembers which reply tokens were used: LINE accepts each at most once. Failures to reach the
/// store throw, and the queue redelivers.
/// </summary>
public interface IOutboundRecords
{
    /// <summary>The record of an outbound message, or null when none was kept yet.</summary>
    Task<OutboundRecord?> FindAsync(string outboundId, CancellationToken cancellationToken);

    /// <summary>Records that one request of the message reached LINE. Recording an index again keeps the first.</summary>
    Task AddSentAsync(string outboundId, SentRequest sent, CancellationToken cancellationToken);

    /// <summary>Records how the message ended. Once recorded, a result does not change.</summary>
    Task FinishAsync(OutboundResult result, CancellationToken cancellationToken);

    /// <summary>Records that the result was reported, so a redelivery does not report it again.</summary>
    Task MarkReportedAsync(string outboundId, CancellationToken cancellationToken);

    /// <summary>True for the first claim of a channel's reply token, false for every later one.</summary>
    Task<bool> TryClaimReplyTokenAsync(string channelId, string replyToken, string outboundId, CancellationToken cancellationToken);
}

/// <summary>An outbound message's progress: requests sent so far (by index), and its result once it ended.</summary>
public sealed record OutboundRecord(string OutboundId, IReadOnlyList<SentRequest> Sent, OutboundResult? Result, bool Reported);

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
public sealed record SentRequest(int Index, DeliveryMethod Method, IReadOnlyList<string> MessageIds, string? RequestId, DateTimeOffset SentAt);

public enum OutboundStatus
{
    Delivered,
    Failed,
}

/// <summary>Why an outbound message failed for good.</summary>
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
}

/// <summary>A permanent failure: its kind, a sentence saying what went wrong, and every detail (policy reasons, LINE's details).</summary>
public sealed record OutboundFailure(OutboundFailureKind Kind, string Reason, IReadOnlyList<string> Details)
{
    /// <summary>LINE's HTTP status, when LINE answered.</summary>
    public int? LineStatus { get; init; }

    public string? LineRequestId { get; init; }
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
    DateTimeOffset FinishedAt);
