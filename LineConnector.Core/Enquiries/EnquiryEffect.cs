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

/// <summary>What a move says to the user: the handover message, or the away message when no staff can take it.</summary>
public enum MoveMessage
{
    Handover,
    Away,
}

/// <summary>Send the user the message of move <paramref name="Move"/> (its outbound id <c>{enquiry id}:move-{n}-{message}</c>).</summary>
public sealed record SendMoveMessage(int Move, MoveMessage Message) : EnquiryEffect;

/// <summary>
/// Tell a destination of move <paramref name="Move"/>: its <c>To</c> receives a <c>handover</c> (with the
/// enquiry's recent history) or a <c>handback</c>, its <c>From</c> a <c>handed-over</c> notice.
/// </summary>
public sealed record TellMove(string DestinationId, int Move) : EnquiryEffect;
