using LineConnector.Core.Routing;

namespace LineConnector.Core.Enquiries;

/// <summary>Where an enquiry stands (DESIGN §5, Enquiries).</summary>
public enum EnquiryState
{
    /// <summary>Forwarded to a destination, waiting for it (or a staff member) to accept.</summary>
    Open,

    /// <summary>Accepted: the destination took it or a staff member replied.</summary>
    Ongoing,

    /// <summary>Nobody accepted within the channel's timeout, or no destination was available. Still the
    /// source's enquiry: staff may take it up, and the user's messages stay in it. While it has no
    /// destination its events are kept, and it is offered to the routing rule again until one takes it.</summary>
    Missed,

    Closed,
}

public enum EnquiryCloser
{
    Destination,
    Staff,

    /// <summary>The channel's optional auto-close after a quiet period.</summary>
    AutoClose,
}

/// <summary>
/// One enquiry: a LINE source's conversation from its first message until it is closed. A source has at
/// most one enquiry that is not closed; a message after the close opens a new one.
/// </summary>
public sealed record Enquiry
{
    public required string Id { get; init; }

    /// <summary>The LINE source: a user, group or room id.</summary>
    public required string SourceId { get; init; }

    public required EnquiryState State { get; init; }

    /// <summary>Where the source's events go. Always set while open; null when missed for want of one.</summary>
    public string? DestinationId { get; init; }

    /// <summary>The staff member serving it (the last one to reply), or preferred by sticky routing.</summary>
    public string? StaffMemberId { get; init; }

    public required DateTimeOffset OpenedAt { get; init; }

    /// <summary>While open: it is missed if nobody accepts by then.</summary>
    public DateTimeOffset? AcceptBy { get; init; }

    public DateTimeOffset? AcceptedAt { get; init; }

    /// <summary>When the destination or a staff member last acted on it (accepted, replied, closed); sticky routing counts from here.</summary>
    public DateTimeOffset? LastServedAt { get; init; }

    /// <summary>When the user or staff last did something in it; auto-close counts from here.</summary>
    public required DateTimeOffset LastActivityAt { get; init; }

    public DateTimeOffset? ClosedAt { get; init; }

    public EnquiryCloser? ClosedBy { get; init; }

    /// <summary>
    /// How many of the source's events no destination has received yet, kept in order while the enquiry
    /// is missed without one; the next <see cref="ForwardEvent"/> delivers them first.
    /// </summary>
    public int KeptEvents { get; init; }

    /// <summary>While missed without a destination: when it is offered to the routing rule again (a scheduled missed check).</summary>
    public DateTimeOffset? OfferAt { get; init; }

    /// <summary>How many offers found no destination since it lost its last one; the back-off grows with it.</summary>
    public int Offers { get; init; }

    /// <summary>Its moves between bot and staff, oldest first (the latest <see cref="EnquiryMove.MaxKept"/>).</summary>
    public IReadOnlyList<EnquiryMove> Moves { get; init; } = [];

    /// <summary>A bot handed it to staff and nobody handed it back: the handover rule, not the routing rule, finds it a destination.</summary>
    public bool WithStaff => Moves.Count > 0 && Moves[^1].Kind != MoveKind.Handback;

    /// <summary>The number the enquiry's next move gets.</summary>
    public int NextMove => Moves.Count > 0 ? Moves[^1].Number + 1 : 1;

    /// <summary>Who served this enquiry and when, for sticky routing of the source's next one; null if it was never served.</summary>
    public LastService? AsLastService() =>
        DestinationId is not null && LastServedAt is { } servedAt ? new LastService(DestinationId, StaffMemberId, servedAt) : null;
}
