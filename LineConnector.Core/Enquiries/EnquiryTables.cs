using System.Security.Cryptography;
using System.Text;
using LineConnector.Core.Storage;

namespace LineConnector.Core.Enquiries;

/// <summary>
/// Where enquiries live in Table Storage (docs/configuration.md, "Enquiry tables"). Everything about
/// one conversation (a LINE user, group or room of a channel) is in one partition of
/// <see cref="Conversations"/>, so that one message's changes are one entity-group transaction. A
/// channel's conversations are spread over 256 partitions, <c>{channel id}:{bucket}</c>
/// with the bucket from a hash of the source id, so that no partition caps a busy channel (Table
/// Storage serves about 2,000 entities a second per partition); one partition-key range query reads a
/// whole channel (<see cref="Channel"/>).
/// </summary>
public static class EnquiryTables
{
    /// <summary>Partition = <c>{channel id}:{bucket}</c>; row keys by kind: <see cref="SourceRow"/>, <see cref="EnquiryRow"/>, <see cref="EventRow"/>, <see cref="ContentRow"/>, <see cref="KeptRow"/>, <see cref="HistoryRow"/>.</summary>
    public const string Conversations = "Conversations";

    /// <summary>Partition = channel id, row key = destination id, or <c>{destination id}:{staff member id}</c> for a staff member.</summary>
    public const string Presence = "DestinationPresence";

    public static IReadOnlyList<string> All { get; } = [Conversations, Presence];

    /// <summary>The partition of a conversation (<paramref name="sourceId"/> null: events with no source).</summary>
    public static string Partition(string channelId, string? sourceId) => $"{channelId}:{Bucket(sourceId ?? "")}";

    /// <summary>The bucket of a source: the first byte of the SHA-256 of its id, as two hex digits.</summary>
    public static string Bucket(string sourceId) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sourceId)).AsSpan(0, 1));

    /// <summary>Every partition of a channel.</summary>
    public static TableKeyRange Channel(string channelId) => TableKeyRange.StartingWith(channelId + ":");

    /// <summary>A source's row: its current enquiry, and who served it last.</summary>
    public static string SourceRow(string sourceId) => "source:" + sourceId;

    /// <summary>An enquiry's row; closed ones are kept.</summary>
    public static string EnquiryRow(string enquiryId) => EnquiryPrefix + enquiryId;

    /// <summary>
    /// What became of one <c>line-inbound</c> message, by its message id (the webhook event id, or a check's
    /// id); an id that cannot be a key (characters Table keys forbid, or very long) by its hash.
    /// </summary>
    public static string EventRow(string messageId) =>
        EventPrefix + (messageId.Length <= 400 && TableRules.IsValidKey(messageId) ? messageId : "~" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(messageId))));

    /// <summary>An image, video, audio or file a user sent, by LINE message id.</summary>
    public static string ContentRow(string messageId) => "content:" + messageId;

    /// <summary>An event kept for an enquiry while no destination has it, numbered in order of arrival.</summary>
    public static string KeptRow(string enquiryId, long number) => $"kept:{enquiryId}:{number:D10}";

    /// <summary>Every kept event of an enquiry, in order.</summary>
    public static TableKeyRange KeptRows(string enquiryId) => TableKeyRange.StartingWith($"kept:{enquiryId}:");

    /// <summary>An event of the enquiry's conversation, numbered in order of arrival, for the recent history that goes to staff with a handover.</summary>
    public static string HistoryRow(string enquiryId, long number) => $"history:{enquiryId}:{number:D10}";

    /// <summary>Every history row of an enquiry, in order.</summary>
    public static TableKeyRange HistoryRows(string enquiryId) => TableKeyRange.StartingWith($"history:{enquiryId}:");

    /// <summary>Every event row of a partition: records of handled messages, which may be deleted once older than a day (docs/configuration.md).</summary>
    public static TableKeyRange EventRows { get; } = TableKeyRange.StartingWith(EventPrefix);

    /// <summary>Every enquiry row of a partition.</summary>
    public static TableKeyRange EnquiryRows { get; } = TableKeyRange.StartingWith(EnquiryPrefix);

    private const string EnquiryPrefix = "enquiry:";
    private const string EventPrefix = "event:";
}

/// <summary>Property names of the enquiry tables, as an operator sees them in the portal.</summary>
public static class EnquiryProperties
{
    // Enquiry rows
    public const string SourceId = "SourceId";
    public const string SourceType = "SourceType";
    public const string State = "State";
    public const string DestinationId = "DestinationId";
    public const string StaffMemberId = "StaffMemberId";
    public const string StaffFirstName = "StaffFirstName";
    public const string StaffLastName = "StaffLastName";
    public const string OpenedAt = "OpenedAt";
    public const string OpenedByEventId = "OpenedByEventId";
    public const string AcceptBy = "AcceptBy";
    public const string AcceptedAt = "AcceptedAt";
    public const string LastServedAt = "LastServedAt";
    public const string LastActivityAt = "LastActivityAt";
    public const string ClosedAt = "ClosedAt";
    public const string ClosedBy = "ClosedBy";
    public const string ReplyToken = "ReplyToken";
    public const string ReplyTokenReceivedAt = "ReplyTokenReceivedAt";
    public const string MarkAsReadToken = "MarkAsReadToken";
    public const string PendingCause = "PendingCause";
    public const string PendingEffects = "PendingEffects";
    public const string KeptEvents = "KeptEvents";
    public const string FirstKept = "FirstKept";
    public const string OfferAt = "OfferAt";
    public const string Offers = "Offers";
    public const string Moves = "Moves";
    public const string ExpiryWarnedAt = "ExpiryWarnedAt";
    public const string HistoryEvents = "HistoryEvents";
    public const string TransformerStorage = "TransformerStorage";
    public const string UserLanguage = "UserLanguage";
    public const string DetectedLanguages = "DetectedLanguages";

    // Source rows
    public const string CurrentEnquiryId = "CurrentEnquiryId";
    public const string LastDestinationId = "LastDestinationId";
    public const string LastStaffMemberId = "LastStaffMemberId";

    // Event rows (and SourceId)
    public const string MessageId = "MessageId";
    public const string EnquiryId = "EnquiryId";
    public const string EventType = "EventType";
    public const string Outcome = "Outcome";
    public const string Detail = "Detail";
    public const string ProcessedAt = "ProcessedAt";

    // Content rows (and EnquiryId)
    public const string Kind = "Kind";

    // Kept rows (and MessageId, EventType)
    public const string Event = "Event";

    // History rows (and MessageId, Event)
    public const string ReceivedAt = "ReceivedAt";

    // DestinationPresence
    public const string Available = "Available";
    public const string UpdatedAt = "UpdatedAt";
}
