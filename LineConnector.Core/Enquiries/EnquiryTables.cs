namespace LineConnector.Core.Enquiries;

/// <summary>
/// Where enquiries live in Table Storage (docs/configuration.md, "Enquiry tables"). Every table is
/// partitioned by channel id, so one channel's rows are one partition query in the portal.
/// </summary>
public static class EnquiryTables
{
    /// <summary>Partition = channel id, row key = enquiry id: one row per enquiry, closed ones kept.</summary>
    public const string Enquiries = "Enquiries";

    /// <summary>Partition = channel id, row key = LINE source id (user, group or room): its current enquiry and who last served it.</summary>
    public const string Sources = "EnquirySources";

    /// <summary>Partition = channel id, row key = webhook event id (or check id): each <c>line-inbound</c> message handled, and what came of it.</summary>
    public const string Processed = "EnquiryEvents";

    /// <summary>Partition = channel id, row key = destination id, or <c>{destination id}:{staff member id}</c> for a staff member.</summary>
    public const string Presence = "DestinationPresence";

    /// <summary>Partition = channel id, row key = LINE message id: an image, video, audio or file a user sent, and the enquiry it went to.</summary>
    public const string Content = "EnquiryContent";

    public static IReadOnlyList<string> All { get; } = [Enquiries, Sources, Processed, Presence, Content];
}

/// <summary>Property names of the enquiry tables, as an operator sees them in the portal.</summary>
public static class EnquiryProperties
{
    // Enquiries
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
    public const string PendingCause = "PendingCause";
    public const string PendingEffects = "PendingEffects";

    // EnquirySources
    public const string CurrentEnquiryId = "CurrentEnquiryId";
    public const string LastDestinationId = "LastDestinationId";
    public const string LastStaffMemberId = "LastStaffMemberId";

    // EnquiryEvents
    public const string EnquiryId = "EnquiryId";
    public const string EventType = "EventType";
    public const string Outcome = "Outcome";
    public const string Detail = "Detail";
    public const string ProcessedAt = "ProcessedAt";

    // EnquiryContent (and EnquiryId)
    public const string Kind = "Kind";

    // DestinationPresence
    public const string Available = "Available";
    public const string UpdatedAt = "UpdatedAt";
}
