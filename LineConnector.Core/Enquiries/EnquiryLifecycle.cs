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
///                            \-> missed (none available: welcome, away; the event kept, an offer scheduled)
/// open    --accepted / staff reply--> ongoing
/// open    --missed check due---------> missed (away)
/// open    --forward failed, next-----> open, to the next destination
/// open    --forward failed, none-----> missed (away; the event kept, an offer scheduled)
/// missed  --accepted / staff reply--> ongoing
/// missed  --user event---------------> missed (forwarded; routed again if it has no destination, else kept)
/// missed  --missed check due---------> without a destination: offered again (kept events forwarded,
///                                      or the next offer scheduled)
/// open/ongoing/missed --close--------> closed (close message)
/// with a bot --handover, staff found--> open with the staff destination (handover message, the bot told,
///                                      the staff given the history; missed check)
/// with a bot --handover, no staff-----> stays with the bot (away), or missed without a destination, offered
///                                      again by the handover rule (away; the bot told)
/// with staff --transfer---------------> open with the other destination (it gets the history; missed check)
/// with staff --handback---------------> ongoing with the bot (it is told)
/// closed  --user event---------------> a new enquiry
/// </code>
/// The away message goes at most once per enquiry: only on entering missed. No event is lost: one that
/// no destination takes is kept (<see cref="Enquiry.KeptEvents"/>), and the next forward delivers the kept
/// ones first. A missed enquiry without a destination is offered again on the user's next event and at
/// the times of the <see cref="OfferSchedule"/> (without one, only on the user's next event).
/// </remarks>
public sealed class EnquiryLifecycle
{
    private readonly TimeProvider _clock;
    private readonly ChannelSettings _channel;
    private readonly TimeSpan? _autoCloseAfter;
    private readonly OfferSchedule? _offers;

    /// <param name="channel">The channel's settings as they are: its missed-enquiry timeout and auto-messages.</param>
    /// <param name="autoCloseAfter">The app's auto-close (<see cref="EnquiryOptions.AutoCloseAfter"/>): channels have no setting of their own. Null: never.</param>
    /// <param name="offers">When a missed enquiry without a destination is offered again; null: only on the user's next event.</param>
    public EnquiryLifecycle(TimeProvider clock, ChannelSettings channel, TimeSpan? autoCloseAfter = null, OfferSchedule? offers = null)
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
        _offers = offers;
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
            explanation.Add($"The event is kept for the destination that takes the enquiry ({Kept(current.KeptEvents + 1)} now).");
            explanation.Add("The event is not forwarded; the away message was already sent.");
            return new EnquiryTransition(touched with { KeptEvents = current.KeptEvents + 1 }, [], explanation);
        }

        explanation.Add(current.KeptEvents > 0
            ? $"The {Kept(current.KeptEvents)} and then the event go to {choice.DestinationId}."
            : $"The event goes to {choice.DestinationId}.");
        return new EnquiryTransition(
            Found(touched, choice),
            [new ForwardEvent(choice.DestinationId, choice.StaffMemberId)],
            explanation);
    }

    /// <summary>
    /// Forwarding to the enquiry's destination failed on this attempt (503 or timeout);
    /// <paramref name="next"/> is the rule's choice with that destination among the failed ones.
    /// An ongoing enquiry is refused: it stays with its destination, so retry the delivery instead.
    /// </summary>
    /// <param name="withEvent">The forward was to carry the triggering event (an offer by a missed check carries only kept events); with nobody left, it is kept.</param>
    public EnquiryTransition ForwardFailed(Enquiry enquiry, DestinationChoice next, bool withEvent = true)
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

        var kept = enquiry.KeptEvents + (withEvent ? 1 : 0);
        var (withoutDestination, offer) = Unrouted(
            enquiry with { State = EnquiryState.Missed, DestinationId = null, StaffMemberId = null, AcceptBy = null, KeptEvents = kept },
            _clock.GetUtcNow());
        if (kept > 0)
        {
            explanation.Add($"The undelivered events are kept for the destination that takes the enquiry ({Kept(kept)} now).");
        }

        if (enquiry.State == EnquiryState.Missed)
        {
            explanation.Add("The enquiry stays missed, now without a destination; the away message was already sent.");
            return new EnquiryTransition(withoutDestination, offer, explanation);
        }

        explanation.Add("No staff can answer, so the enquiry is missed.");
        return new EnquiryTransition(withoutDestination, [.. AwayMessage(), .. offer], explanation);
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
        var explanation = new List<string>
        {
            enquiry.State == EnquiryState.Ongoing
                ? $"Staff member {staffMemberId} replied in enquiry {enquiry.Id}."
                : $"Staff member {staffMemberId} replied in enquiry {enquiry.Id}, which was {Describe(enquiry.State)}; it is now ongoing.",
        };

        // The destination that takes up a missed enquiry gets what the user said while nobody had it.
        List<EnquiryEffect> effects = [];
        if (enquiry.KeptEvents > 0)
        {
            effects.Add(new ForwardEvent(destination, staffMemberId));
            explanation.Add($"The {Kept(enquiry.KeptEvents)} go to {destination}.");
        }

        return new EnquiryTransition(
            Serve(enquiry, now) with { DestinationId = destination, StaffMemberId = staffMemberId },
            effects,
            explanation);
    }

    /// <summary>
    /// A missed check scheduled by <see cref="ScheduleMissedCheck"/> for <paramref name="due"/> has come: an
    /// open enquiry nobody accepted in time is missed; a missed one without a destination is offered to
    /// <paramref name="route"/> again, and when nobody takes it and this is its scheduled offer
    /// (<see cref="Enquiry.OfferAt"/>), the next offer is scheduled.
    /// </summary>
    /// <param name="route">Routes the enquiry; null: it is not offered again.</param>
    public EnquiryTransition MissedCheckDue(Enquiry enquiry, DateTimeOffset? due = null, Func<DestinationChoice>? route = null)
    {
        ArgumentNullException.ThrowIfNull(enquiry);
        if (enquiry.State == EnquiryState.Missed && enquiry.DestinationId is null && route is not null)
        {
            return Offer(enquiry, due, route);
        }

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

    /// <summary>
    /// A bot hands the enquiry to staff. <paramref name="choice"/> is the handover rule's over the staff
    /// destinations (or the one the bot named). Found: the enquiry is open with that destination, which has the
    /// missed-enquiry timeout to accept it; the user gets the handover message (if on), the staff destination
    /// the handover with the recent history, the bot a <c>handed-over</c> notice. None: the away message (if on),
    /// and per <see cref="HandoverSettings.WhenNoStaff"/> the enquiry stays with the bot (nothing is recorded) or
    /// waits, missed without a destination, for the handover rule to find staff (the bot told it is handed over).
    /// </summary>
    public EnquiryTransition HandOver(Enquiry enquiry, DestinationChoice choice, MoveRequest request)
    {
        ArgumentNullException.ThrowIfNull(enquiry);
        ArgumentNullException.ThrowIfNull(request);
        const string Trigger = "handover";
        var bot = Holder(enquiry, Trigger, DestinationKind.Bot, "a bot hands it over; staff transfer it or hand it back");
        var now = _clock.GetUtcNow();
        var number = enquiry.NextMove;
        var explanation = new List<string> { $"{bot} hands enquiry {enquiry.Id} to staff." };
        explanation.AddRange(Decided(choice).Explanation);
        var settings = _channel.Handover;
        if (choice.DestinationId is { } staff)
        {
            var acceptBy = now + _channel.MissedEnquiryTimeout;
            var moved = Moved(enquiry, new EnquiryMove(number, MoveKind.Handover, now, bot, staff, request.By, request.StaffMemberId, request.Reason, request.Note)) with
            {
                State = EnquiryState.Open,
                DestinationId = staff,
                StaffMemberId = choice.StaffMemberId,
                AcceptBy = acceptBy,
                LastActivityAt = now,
            };
            List<EnquiryEffect> effects = settings.Message.Enabled ? [new SendMoveMessage(number, MoveMessage.Handover)] : [];
            effects.AddRange([new TellMove(staff, number), new TellMove(bot, number), new ScheduleMissedCheck(acceptBy)]);
            explanation.Add($"The enquiry goes to {staff}, which has {TimeText.Duration(_channel.MissedEnquiryTimeout)} to accept; {bot} receives no more of the user's events.");
            return new EnquiryTransition(moved, effects, explanation);
        }

        var away = _channel.AutoMessages.Away.Enabled ? new List<EnquiryEffect> { new SendMoveMessage(number, MoveMessage.Away) } : [];
        if (settings.WhenNoStaff == HandoverFallback.StayWithBot)
        {
            explanation.Add($"No staff can take it, so it stays with {bot} (the channel's handover setting).");
            return new EnquiryTransition(enquiry with { LastActivityAt = now }, away, explanation);
        }

        var (waiting, offer) = Unrouted(
            Moved(enquiry, new EnquiryMove(number, MoveKind.Handover, now, bot, null, request.By, request.StaffMemberId, request.Reason, request.Note)) with
            {
                State = EnquiryState.Missed,
                DestinationId = null,
                StaffMemberId = null,
                AcceptBy = null,
                LastActivityAt = now,
            },
            now);
        explanation.Add($"No staff can take it, so it waits as a missed enquiry for the handover rule to find staff (the channel's handover setting); {bot} receives no more of the user's events.");
        return new EnquiryTransition(waiting, [.. away, new TellMove(bot, number), .. offer], explanation);
    }

    /// <summary>
    /// Staff pass the enquiry to another destination (<paramref name="choice"/>: the one they named, or the
    /// handover rule's without them). It is open with that destination, which receives the handover with the
    /// recent history and has the missed-enquiry timeout to accept. Nobody to take it is refused: it stays.
    /// </summary>
    public EnquiryTransition Transfer(Enquiry enquiry, DestinationChoice choice, MoveRequest request)
    {
        ArgumentNullException.ThrowIfNull(enquiry);
        ArgumentNullException.ThrowIfNull(request);
        const string Trigger = "transfer";
        var from = Holder(enquiry, Trigger, DestinationKind.Staff, "staff transfer it; a bot hands it over");
        var explanation = new List<string>(Decided(choice).Explanation);
        if (choice.DestinationId is not { } to)
        {
            throw Refuse(enquiry, Trigger, string.Join(" ", explanation.Append($"Nobody can take enquiry {enquiry.Id} now, so it stays with {from}.")));
        }

        if (to == from)
        {
            throw Refuse(enquiry, Trigger, $"Enquiry {enquiry.Id} is with {to} already.");
        }

        var now = _clock.GetUtcNow();
        var number = enquiry.NextMove;
        var acceptBy = now + _channel.MissedEnquiryTimeout;
        var moved = Moved(enquiry, new EnquiryMove(number, MoveKind.Transfer, now, from, to, request.By, request.StaffMemberId, request.Reason, request.Note)) with
        {
            State = EnquiryState.Open,
            DestinationId = to,
            StaffMemberId = choice.StaffMemberId,
            AcceptBy = acceptBy,
            LastActivityAt = now,
        };
        explanation.Add($"{from} transfers enquiry {enquiry.Id} to {to}, which has {TimeText.Duration(_channel.MissedEnquiryTimeout)} to accept.");
        return new EnquiryTransition(moved, [new TellMove(to, number), new ScheduleMissedCheck(acceptBy)], explanation);
    }

    /// <summary>Staff hand the enquiry back to a bot, which takes it at once (ongoing) and is told; the user's next events go to it.</summary>
    public EnquiryTransition HandBack(Enquiry enquiry, string botId, MoveRequest request)
    {
        ArgumentNullException.ThrowIfNull(enquiry);
        ArgumentException.ThrowIfNullOrWhiteSpace(botId);
        ArgumentNullException.ThrowIfNull(request);
        const string Trigger = "handback";
        var from = Holder(enquiry, Trigger, DestinationKind.Staff, "staff hand it back");
        if (_channel.Destinations.FirstOrDefault(d => d.Id == botId) is not { Kind: DestinationKind.Bot })
        {
            throw new ArgumentException($"'{botId}' is not a bot of the channel.", nameof(botId));
        }

        var now = _clock.GetUtcNow();
        var number = enquiry.NextMove;
        var moved = Serve(Moved(enquiry, new EnquiryMove(number, MoveKind.Handback, now, from, botId, request.By, request.StaffMemberId, request.Reason, request.Note)), now) with
        {
            DestinationId = botId,
            StaffMemberId = null,
        };
        return new EnquiryTransition(moved, [new TellMove(botId, number)], [$"{from} hands enquiry {enquiry.Id} back to {botId}, which has it now."]);
    }

    /// <summary>The destination that holds the enquiry, if it is of <paramref name="kind"/>; else the move is refused.</summary>
    private string Holder(Enquiry enquiry, string trigger, DestinationKind kind, string rule)
    {
        if (enquiry.State == EnquiryState.Closed)
        {
            throw Refuse(enquiry, trigger, $"Enquiry {enquiry.Id} is closed; it cannot move. The user's next message opens a new enquiry.");
        }

        var holder = enquiry.DestinationId is { } id ? _channel.Destinations.FirstOrDefault(d => d.Id == id) : null;
        return holder?.Kind == kind
            ? holder.Id
            : throw Refuse(enquiry, trigger, holder is null
                ? $"Enquiry {enquiry.Id} is with no destination of the channel: {rule}."
                : $"Enquiry {enquiry.Id} is with {holder.Id}, a {ChannelTexts.DestinationKind.Format(holder.Kind)} destination: {rule}.");
    }

    /// <summary>The enquiry with the move recorded (the latest <see cref="EnquiryMove.MaxKept"/>); its offers stop.</summary>
    private static Enquiry Moved(Enquiry enquiry, EnquiryMove move) =>
        enquiry with { Moves = [.. enquiry.Moves.TakeLast(EnquiryMove.MaxKept - 1), move], OfferAt = null, Offers = 0 };

    /// <summary>The enquiry is missed without a destination: the missed check offers it to the routing rule again.</summary>
    private EnquiryTransition Offer(Enquiry enquiry, DateTimeOffset? due, Func<DestinationChoice> route)
    {
        var choice = Decided(route());
        var explanation = new List<string> { $"Enquiry {enquiry.Id} is missed without a destination, so it is offered to the routing rule again." };
        explanation.AddRange(choice.Explanation);
        if (choice.DestinationId is { } destination)
        {
            explanation.Add(enquiry.KeptEvents > 0 ? $"The {Kept(enquiry.KeptEvents)} go to {destination}." : $"{destination} takes it; no event is waiting.");
            return new EnquiryTransition(Found(enquiry, choice), [new ForwardEvent(destination, choice.StaffMemberId)], explanation);
        }

        if (_offers is null || due is null || due != enquiry.OfferAt)
        {
            explanation.Add("Nobody takes it now; its scheduled offers go on.");
            return new EnquiryTransition(enquiry, [], explanation);
        }

        var now = _clock.GetUtcNow();
        var next = _offers.Next(now, enquiry.Offers + 1);
        explanation.Add($"Nobody takes it now; it is offered again at {next:O}.");
        return new EnquiryTransition(enquiry with { OfferAt = next, Offers = enquiry.Offers + 1 }, [new ScheduleMissedCheck(next)], explanation);
    }

    /// <summary>A missed enquiry without a destination, and the offer scheduled for it (none without an <see cref="OfferSchedule"/>).</summary>
    private (Enquiry Enquiry, IReadOnlyList<EnquiryEffect> Offer) Unrouted(Enquiry enquiry, DateTimeOffset now)
    {
        if (_offers is null)
        {
            return (enquiry with { OfferAt = null, Offers = 0 }, []);
        }

        var at = _offers.Next(now, 0);
        return (enquiry with { OfferAt = at, Offers = 0 }, [new ScheduleMissedCheck(at)]);
    }

    /// <summary>The enquiry with the destination routing found; its offers stop.</summary>
    private static Enquiry Found(Enquiry enquiry, DestinationChoice choice) =>
        enquiry with { DestinationId = choice.DestinationId, StaffMemberId = choice.StaffMemberId, OfferAt = null, Offers = 0 };

    private static string Kept(int count) => count == 1 ? "1 kept event" : $"{count} kept events";

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
            var (missed, offer) = Unrouted(
                new Enquiry
                {
                    Id = id,
                    SourceId = sourceId,
                    State = EnquiryState.Missed,
                    OpenedAt = now,
                    LastActivityAt = now,
                    KeptEvents = 1,
                },
                now);
            enquiry = missed;
            effects.AddRange(offer);
            explanation.Add(enquiry.OfferAt is { } at
                ? $"The event is kept for the destination that takes the enquiry; it is offered again at {at:O}."
                : "The event is kept for the destination that takes the enquiry.");
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
            enquiry with { State = EnquiryState.Closed, ClosedAt = now, ClosedBy = by, AcceptBy = null, LastServedAt = servedAt, OfferAt = null },
            effects,
            [why]);
    }

    private static Enquiry Serve(Enquiry enquiry, DateTimeOffset now) => enquiry with
    {
        State = EnquiryState.Ongoing,
        AcceptBy = null,
        OfferAt = null,
        Offers = 0,
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
