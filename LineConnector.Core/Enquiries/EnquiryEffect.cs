using LineConnector.Core.Channels;

namespace LineConnector.Core.Enquiries;

/// <summary>Something the caller must do because of a transition, in the order given.</summary>
public abstract record EnquiryEffect
{
    private protected EnquiryEffect()
    {
    }
}

/// <summary>
/// Send the channel's auto-message (render it with <see cref="AutoMessages.Render"/>, the staff
/// member's name filling <c>{staff}</c>) to the source through <c>line-outbound</c>, with the
/// triggering event's reply token while it is fresh.
/// </summary>
public sealed record SendAutoMessage(AutoMessageKind Kind, string? StaffMemberId) : EnquiryEffect;

/// <summary>
/// Forward the enquiry's kept events (<see cref="Enquiry.KeptEvents"/>), oldest first, and then the
/// triggering event, if the cause is one, to the destination (for the staff member, when sticky routing
/// named one). Once the destination has them all, the kept events are no longer kept.
/// </summary>
public sealed record ForwardEvent(string DestinationId, string? StaffMemberId) : EnquiryEffect;

/// <summary>Call <see cref="EnquiryLifecycle.MissedCheckDue"/> for this enquiry at this time (e.g. a scheduled queue message).</summary>
public sealed record ScheduleMissedCheck(DateTimeOffset At) : EnquiryEffect;

/// <summary>Call <see cref="EnquiryLifecycle.AutoCloseCheckDue"/> for this enquiry at this time.</summary>
public sealed record ScheduleAutoCloseCheck(DateTimeOffset At) : EnquiryEffect;

/// <summary>Tell the destination its enquiry was closed without it (by auto-close).</summary>
public sealed record TellDestinationClosed(string DestinationId) : EnquiryEffect;
