using LineConnector.Core.Channels;
using LineConnector.Core.Routing;

namespace LineConnector.Core.Enquiries;

/// <summary>The enquiry after a transition, what the caller must do, and why.</summary>
public sealed record EnquiryTransition(Enquiry Enquiry, IReadOnlyList<EnquiryEffect> Effects, IReadOnlyList<string> Explanation);

/// <summary>A transition the enquiry's state does not allow (e.g. a reply to a closed enquiry).</summary>
public sealed class EnquiryTransitionException(string enquiryId, EnquiryState state, string trigger, string message)
    : InvalidOperationException(message)
{
    public string EnquiryId { get; } = enquiryId;

    public EnquiryState State { get; } = state;

    public string Trigger { get; } = trigger;
}

/// <summary>
/// The enquiry state machine (DESIGN §5, Enquiries): pure transitions at the clock's time, each returning
/// the new enquiry and the effects to carry out. Persisting the enquiry and carrying out the effects is
/// the caller's, and so is idempotency on <c>webhookEventId</c>.
/// </summary>
/// <remarks>
/// <code>
/// (none/closed) --user event--> open (destination found: welcome, forward, missed check)
///                            \-> missed (none available: welcome, away)
/// open    --accepted / staff reply--> ongoing
/// open    --missed check due---------> missed (away)
/// open    --forward failed, next-----> open, to the next destination
/// open    --forward failed, none-----> missed (away)
/// missed  --accepted / staff reply--> ongoing
/// missed  --user event---------------> missed (forwarded; routed again if it has no destination)
/// open/ongoing/missed --close--------> closed (close message)
/// closed  --user event---------------> a new enquiry
/// </code>
/// The away message goes at most once per enquiry: only on entering missed.
/// </remarks>
public sealed class EnquiryLifecycle
{
    private readonly TimeProvider _clock;
    private readonly ChannelSettings _channel;
    private readonly TimeSpan? _autoCloseAfter;

    /// <param name="channel">The channel's settings as they are: its missed-enquiry timeout and auto-messages.</param>
    /// <param name="autoCloseAfter">The app's auto-close (<see cref="EnquiryOptions.AutoCloseAfter"/>): channels have no setting of their own. Null: never.</param>
    public EnquiryLifecycle(TimeProvider clock, ChannelSettings channel, TimeSpan? autoCloseAfter = null)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(channel);
        if (autoCloseAfter is { } after && after <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(autoCloseAfter), after, "Auto-close must be after a positive time, or off.");
        }

        _clock = clock;
        _channel = channel;
        _autoCloseAfter = autoCloseAfter;
    }

    /// <summary>
    /// An event from the source arrived. Opens a new enquiry when the source has none that is not closed;
    /// otherwise forwards the event to the enquiry's destination.
    /// </summary>
    /// <param name="current">The source's latest enquiry, if any.</param>
    /// <param name="newEnquiryId">The id a new enquiry gets, if one opens (derive it from the event, e.g.
    /// its <c>webhookEventId</c>, so a redelivery opens the same enquiry).</param>
    /// <param name="route">Routes the enquiry with this id; called only when routing is needed.</param>
    public EnquiryTransition ReceiveUserEvent(Enquiry? current, string sourceId, string newEnquiryId, Func<string, DestinationChoice> route)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(newEnquiryId);
        ArgumentNullException.ThrowIfNull(route);
        if (current is not null && current.SourceId != sourceId)
        {
            throw new ArgumentException($"Enquiry {current.Id} belongs to source {current.SourceId}, not {sourceId}.", nameof(current));
        }

        var now = _clock.GetUtcNow();
        if (current is null || current.State == EnquiryState.Closed)
        {
            if (current?.Id == newEnquiryId)
            {
                throw new ArgumentException($"A new enquiry needs a new id; {newEnquiryId} is the closed one's.", nameof(newEnquiryId));
            }

            return Open(newEnquiryId, sourceId, now, Decided(route(newEnquiryId)), current);
        }

        var touched = current with { LastActivityAt = now };
        if (current.DestinationId is { } destination)
        {
            return new EnquiryTransition(
                touched,
                [new ForwardEvent(destination, current.StaffMemberId)],
                [$"Enquiry {current.Id} is {Describe(current.State)}; the event goes to {destination}."]);
        }

        // Missed for want of a destination: try again, someone may be available now. No second away message.
        var choice = Decided(route(current.Id));
        var explanation = new List<string> { $"Enquiry {current.Id} is missed and has no destination, so it is routed again." };
        explanation.AddRange(choice.Explanation);
        if (choice.DestinationId is null)
        {
            explanation.Add("The event is not forwarded; the away message was already sent.");
            return new EnquiryTransition(touched, [], explanation);
        }

        explanation.Add($"The event goes to {choice.DestinationId}.");
        return new EnquiryTransition(
            touched with { DestinationId = choice.DestinationId, StaffMemberId = choice.StaffMemberId },
            [new ForwardEvent(choice.DestinationId, choice.StaffMemberId)],
            explanation);
    }

    /// <summary>
    /// Forwarding to the enquiry's destination failed on this attempt (503 or timeout);
    /// <paramref name="next"/> is the rule's choice with that destination among the failed ones.
    /// An ongoing enquiry is refused: it stays with its destination, so retry the delivery instead.
    /// </summary>
    public EnquiryTransition ForwardFailed(Enquiry enquiry, DestinationChoice next)
    {
        ArgumentNullException.ThrowIfNull(enquiry);
        ArgumentNullException.ThrowIfNull(next);
        const string Trigger = "forward failed";
        var failed = enquiry.DestinationId;
        switch (enquiry.State)
        {
            case EnquiryState.Closed:
                throw Refuse(enquiry, Trigger, $"Enquiry {enquiry.Id} is closed; nothing is forwarded for it.");
            case EnquiryState.Ongoing:
                throw Refuse(enquiry, Trigger, $"Enquiry {enquiry.Id} is ongoing with {failed}, so it stays there: retry the delivery rather than route it elsewhere.");
            case EnquiryState.Missed when failed is null:
                throw Refuse(enquiry, Trigger, $"Enquiry {enquiry.Id} has no destination that could have failed.");
        }

        var choice = Decided(next);
        if (choice.DestinationId is not null && choice.DestinationId == failed)
        {
            throw new ArgumentException($"The next choice is {failed} again: route with it among the failed destinations.", nameof(next));
        }

        var explanation = new List<string> { $"{failed} did not take enquiry {enquiry.Id} on this attempt, so it is routed again." };
        explanation.AddRange(choice.Explanation);
        if (choice.DestinationId is { } destination)
        {
            explanation.Add($"The event goes to {destination}.");
            return new EnquiryTransition(
                enquiry with { DestinationId = destination, StaffMemberId = choice.StaffMemberId },
                [new ForwardEvent(destination, choice.StaffMemberId)],
                explanation);
        }

        var withoutDestination = enquiry with { DestinationId = null, StaffMemberId = null };
        if (enquiry.State == EnquiryState.Missed)
        {
            explanation.Add("The enquiry stays missed, now without a destination; the away message was already sent.");
            return new EnquiryTransition(withoutDestination, [], explanation);
        }

        explanation.Add("No staff can answer, so the enquiry is missed.");
        return new EnquiryTransition(
            withoutDestination with { State = EnquiryState.Missed, AcceptBy = null },
            AwayMessage(),
            explanation);
    }

    /// <summary>The destination accepted the enquiry (answered 2xx to a forwarded event), optionally naming the staff member.</summary>
    public EnquiryTransition Accept(Enquiry enquiry, string destinationId, string? staffMemberId = null)
    {
        ArgumentNullException.ThrowIfNull(enquiry);
        ArgumentException.ThrowIfNullOrWhiteSpace(destinationId);
        const string Trigger = "accept";
        if (enquiry.State == EnquiryState.Closed)
        {
            throw Refuse(enquiry, Trigger, $"Enquiry {enquiry.Id} is closed and cannot be accepted.");
        }

        if (enquiry.DestinationId is { } current && current != destinationId)
        {
            throw Refuse(enquiry, Trigger, $"Enquiry {enquiry.Id} is with {current}; {destinationId} cannot accept it.");
        }

        if (enquiry.State == EnquiryState.Ongoing)
        {
            return new EnquiryTransition(enquiry, [], [$"Enquiry {enquiry.Id} is already ongoing with {destinationId}."]);
        }

        var now = _clock.GetUtcNow();
        return new EnquiryTransition(
            Serve(enquiry, now) with { DestinationId = destinationId, StaffMemberId = staffMemberId ?? enquiry.StaffMemberId },
            [],
            [$"{destinationId} accepted enquiry {enquiry.Id}, which was {Describe(enquiry.State)}; it is now ongoing."]);
    }

    /// <summary>
    /// A staff member replied through the enquiry API. <paramref name="destinationId"/> is the destination
    /// the reply came from (null when the caller used a function key rather than a destination's secret).
    /// </summary>
    public EnquiryTransition StaffReplied(Enquiry enquiry, string staffMemberId, string? destinationId)
    {
        ArgumentNullException.ThrowIfNull(enquiry);
        ArgumentException.ThrowIfNullOrWhiteSpace(staffMemberId);
        const string Trigger = "staff reply";
        if (enquiry.State == EnquiryState.Closed)
        {
            throw Refuse(enquiry, Trigger, $"Enquiry {enquiry.Id} is closed; a reply cannot be sent to it. The user's next message opens a new enquiry.");
        }

        if (destinationId is not null && enquiry.DestinationId is { } current && current != destinationId)
        {
            throw Refuse(enquiry, Trigger, $"Enquiry {enquiry.Id} is with {current}; {destinationId} cannot reply to it.");
        }

        var destination = enquiry.DestinationId ?? destinationId
            ?? throw Refuse(enquiry, Trigger, $"Enquiry {enquiry.Id} has no destination; the reply must come from one, so the user's answers have somewhere to go.");

        var now = _clock.GetUtcNow();
        var explanation = enquiry.State == EnquiryState.Ongoing
            ? $"Staff member {staffMemberId} replied in enquiry {enquiry.Id}."
            : $"Staff member {staffMemberId} replied in enquiry {enquiry.Id}, which was {Describe(enquiry.State)}; it is now ongoing.";
        return new EnquiryTransition(
            Serve(enquiry, now) with { DestinationId = destination, StaffMemberId = staffMemberId },
            [],
            [explanation]);
    }

    /// <summary>The time an open enquiry had to be accepted has come (scheduled by <see cref="ScheduleMissedCheck"/>).</summary>
    public EnquiryTransition MissedCheckDue(Enquiry enquiry)
    {
        ArgumentNullException.ThrowIfNull(enquiry);
        if (enquiry.State != EnquiryState.Open || enquiry.AcceptBy is not { } acceptBy)
        {
            return new EnquiryTransition(enquiry, [], [$"Enquiry {enquiry.Id} is {Describe(enquiry.State)}; the missed check has nothing to do."]);
        }

        var now = _clock.GetUtcNow();
        if (now < acceptBy)
        {
            return new EnquiryTransition(enquiry, [new ScheduleMissedCheck(acceptBy)], [$"Enquiry {enquiry.Id} may still be accepted until {acceptBy:O}; checked again then."]);
        }

        return new EnquiryTransition(
            enquiry with { State = EnquiryState.Missed, AcceptBy = null },
            AwayMessage(),
            [$"Nobody accepted enquiry {enquiry.Id} within {TimeText.Duration(_channel.MissedEnquiryTimeout)}, so it is missed."]);
    }

    /// <summary>The time the enquiry might be idle long enough to auto-close has come (scheduled by <see cref="ScheduleAutoCloseCheck"/>).</summary>
    public EnquiryTransition AutoCloseCheckDue(Enquiry enquiry)
    {
        ArgumentNullException.ThrowIfNull(enquiry);
        if (enquiry.State == EnquiryState.Closed || _autoCloseAfter is not { } after)
        {
            var why = enquiry.State == EnquiryState.Closed ? "is closed" : "cannot auto-close: auto-close is off";
            return new EnquiryTransition(enquiry, [], [$"Enquiry {enquiry.Id} {why}; the auto-close check has nothing to do."]);
        }

        var due = enquiry.LastActivityAt + after;
        if (_clock.GetUtcNow() < due)
        {
            return new EnquiryTransition(enquiry, [new ScheduleAutoCloseCheck(due)], [$"Enquiry {enquiry.Id} was active since; it closes at {due:O} if it stays quiet."]);
        }

        return CloseNow(enquiry, EnquiryCloser.AutoClose, $"Enquiry {enquiry.Id} was quiet for {TimeText.Duration(after)}, so it is closed automatically.");
    }

    /// <summary>The destination or a staff member closes the enquiry through the API.</summary>
    public EnquiryTransition Close(Enquiry enquiry, EnquiryCloser by)
    {
        ArgumentNullException.ThrowIfNull(enquiry);
        if (enquiry.State == EnquiryState.Closed)
        {
            throw Refuse(enquiry, "close", $"Enquiry {enquiry.Id} is already closed (at {enquiry.ClosedAt:O}).");
        }

        return CloseNow(enquiry, by, $"Enquiry {enquiry.Id} is closed by the {Describe(by)}.");
    }

    /// <summary>Whether an event from the source would route: it has no enquiry but a closed one, or a missed one without destination.</summary>
    internal static bool RoutesOnUserEvent(Enquiry? current) =>
        current is null || current.State == EnquiryState.Closed || current.DestinationId is null;

    /// <summary>The auto-messages a new enquiry sends: welcome, then away when no destination can take it.</summary>
    internal static IReadOnlyList<AutoMessageKind> OpeningMessages(AutoMessages settings, bool destinationFound)
    {
        var kinds = new List<AutoMessageKind>(2);
        if (settings.Welcome.Enabled)
        {
            kinds.Add(AutoMessageKind.Welcome);
        }

        if (!destinationFound && settings.Away.Enabled)
        {
            kinds.Add(AutoMessageKind.Away);
        }

        return kinds;
    }

    private EnquiryTransition Open(string id, string sourceId, DateTimeOffset now, DestinationChoice choice, Enquiry? closed)
    {
        var explanation = new List<string>
        {
            closed is null
                ? $"Source {sourceId} has no enquiry, so enquiry {id} opens."
                : $"Source {sourceId}'s enquiry {closed.Id} is closed, so enquiry {id} opens.",
        };
        explanation.AddRange(choice.Explanation);

        var effects = new List<EnquiryEffect>();
        effects.AddRange(OpeningMessages(_channel.AutoMessages, choice.Found).Select(kind => new SendAutoMessage(kind, null)));

        Enquiry enquiry;
        if (choice.DestinationId is { } destination)
        {
            var acceptBy = now + _channel.MissedEnquiryTimeout;
            enquiry = new Enquiry
            {
                Id = id,
                SourceId = sourceId,
                State = EnquiryState.Open,
                DestinationId = destination,
                StaffMemberId = choice.StaffMemberId,
                OpenedAt = now,
                AcceptBy = acceptBy,
                LastActivityAt = now,
            };
            effects.Add(new ForwardEvent(destination, choice.StaffMemberId));
            effects.Add(new ScheduleMissedCheck(acceptBy));
            explanation.Add($"The event goes to {destination}, which has {TimeText.Duration(_channel.MissedEnquiryTimeout)} to accept.");
        }
        else
        {
            enquiry = new Enquiry
            {
                Id = id,
                SourceId = sourceId,
                State = EnquiryState.Missed,
                OpenedAt = now,
                LastActivityAt = now,
            };
            explanation.Add("No staff can answer, so the enquiry is missed and the event is not forwarded.");
        }

        if (_autoCloseAfter is { } after)
        {
            effects.Add(new ScheduleAutoCloseCheck(now + after));
        }

        return new EnquiryTransition(enquiry, effects, explanation);
    }

    private EnquiryTransition CloseNow(Enquiry enquiry, EnquiryCloser by, string why)
    {
        var now = _clock.GetUtcNow();
        var effects = new List<EnquiryEffect>();
        if (_channel.AutoMessages.Close.Enabled)
        {
            effects.Add(new SendAutoMessage(AutoMessageKind.Close, enquiry.StaffMemberId));
        }

        if (by == EnquiryCloser.AutoClose && enquiry.DestinationId is { } destination)
        {
            effects.Add(new TellDestinationClosed(destination));
        }

        // Closing is the destination's or staff's last act of service; auto-close is not.
        var servedAt = by != EnquiryCloser.AutoClose && enquiry.AcceptedAt is not null ? now : enquiry.LastServedAt;
        return new EnquiryTransition(
            enquiry with { State = EnquiryState.Closed, ClosedAt = now, ClosedBy = by, AcceptBy = null, LastServedAt = servedAt },
            effects,
            [why]);
    }

    private static Enquiry Serve(Enquiry enquiry, DateTimeOffset now) => enquiry with
    {
        State = EnquiryState.Ongoing,
        AcceptBy = null,
        AcceptedAt = enquiry.AcceptedAt ?? now,
        LastServedAt = now,
        LastActivityAt = now,
    };

    private List<EnquiryEffect> AwayMessage() =>
        _channel.AutoMessages.Away.Enabled ? [new SendAutoMessage(AutoMessageKind.Away, null)] : [];

    private static DestinationChoice Decided(DestinationChoice choice) =>
        choice.IsDetermined ? choice : throw new ArgumentException("The routing choice must be decided for a real enquiry id.", nameof(choice));

    private static EnquiryTransitionException Refuse(Enquiry enquiry, string trigger, string message) =>
        new(enquiry.Id, enquiry.State, trigger, message);

    private static string Describe(EnquiryState state) => EnquiryTexts.State.Format(state);

    private static string Describe(EnquiryCloser closer) => EnquiryTexts.Closer.Format(closer);
}
