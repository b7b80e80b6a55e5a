using System.Text.Json;
using LineConnector.Core.Channels;
using LineConnector.Core.Chat;
using LineConnector.Core.Destinations;
using LineConnector.Core.Outbound;
using LineConnector.Core.Queueing;
using LineConnector.Core.Routing;
using LineConnector.Core.Translation;

namespace LineConnector.Core.Enquiries;

/// <summary>What caused a run of effects: a webhook event, a scheduled check, or an API call.</summary>
/// <param name="Id">The <c>line-inbound</c> message id (webhook event id or check id), or the API call's cause.</param>
/// <param name="Event">The webhook event as LINE sent it, when the cause is one.</param>
/// <param name="Reply">The event's reply token, when it has one.</param>
/// <param name="Silent">The cause may not make the connector speak (standby and follow-up events).</param>
/// <param name="Check">The check that is the cause, if it is one.</param>
public sealed record EffectCause(string Id, string Type, JsonElement? Event = null, JsonElement? Source = null, OutboundReply? Reply = null, bool Silent = false, EnquiryCheck? Check = null)
{
    /// <summary>Who last served the source before this enquiry (sticky routing when a destination fails).</summary>
    public LastService? LastService { get; init; }
}

/// <summary>The destination of an ongoing enquiry cannot take its event now; the queue redelivers it.</summary>
public sealed class DestinationUnavailableException(string message) : Exception(message);

/// <summary>A change of an enquiry and its conversation's rows, applied to the enquiry as stored; null: nothing to change.</summary>
public delegate EnquiryWrite? EnquiryChange(StoredEnquiry enquiry);

/// <summary>The enquiry as <see cref="EnquiryEffects.RunAsync"/> last wrote it, and what the effects did since, which goes with the message's record.</summary>
public sealed record EffectRun(StoredEnquiry Enquiry, EnquiryChange? Unwritten);

/// <summary>
/// Carries out an enquiry's pending effects in order, so that a redelivered cause resumes where the last
/// attempt stopped. What a forward or a close notice did is written before the next effect is carried
/// out: a destination would see it again. What an auto-message or a scheduled check did goes with the
/// next write (in the end, with the message's record): done again after a crash, it has the same id, and
/// Service Bus drops the repeat. A forward that finds its destination unavailable becomes the lifecycle's
/// <see cref="EnquiryLifecycle.ForwardFailed"/>, whose effects (the next destination, or the away message)
/// go in front of the rest. Every effect is idempotent by its id (auto-messages <c>{enquiry id}:{kinds}</c>,
/// checks by due time, forwards by the event's id), except that a destination may see a forward again
/// after a crash right after it.
/// </summary>
public sealed class EnquiryEffects(EnquiryStore enquiries, DestinationSender destinations, IQueueSender queue, LoadingAnimation loading, TranslationStage translation, TimeProvider clock)
{
    /// <summary>Runs the effects pending for <paramref name="cause"/>; notes say what each did.</summary>
    public async Task<EffectRun> RunAsync(EnquiryChannel channel, StoredEnquiry enquiry, EffectCause cause, List<string> notes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(enquiry);
        var failed = new HashSet<string>(StringComparer.Ordinal);
        EnquiryChange? unwritten = null;
        var store = false;
        while (true)
        {
            var now = unwritten?.Invoke(enquiry)?.Enquiry ?? enquiry;
            if (now.Pending is not { } pending || pending.Cause != cause.Id || pending.Effects.Count == 0)
            {
                return new EffectRun(enquiry, unwritten);
            }

            if (unwritten is not null && store)
            {
                enquiry = await enquiries.UpdateAsync(enquiry, unwritten.Invoke, cancellationToken) ?? throw Vanished(enquiry.Id);
                unwritten = null;
                continue;
            }

            var effect = pending.Effects[0];
            var change = await CarryOutAsync(channel, now, pending, cause, failed, notes, cancellationToken);
            unwritten = unwritten is null ? change : Then(unwritten, change);
            store = effect is ForwardEvent or TellDestinationClosed or TellMove;
        }
    }

    /// <summary>
    /// Writes the last effect's change, clears the pending effects of <paramref name="cause"/> and stores the
    /// message's record, in one write. When the effects are no longer the cause's (the enquiry API closed the
    /// enquiry meanwhile), only the record is written.
    /// </summary>
    public async Task<StoredEnquiry> FinishAsync(EffectRun run, string cause, ProcessedCause? record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var finished = false;
        var enquiry = await enquiries.UpdateAsync(run.Enquiry, e =>
        {
            var write = run.Unwritten is { } change ? change(e) : new EnquiryWrite(e);
            finished = write?.Enquiry.Pending?.Cause == cause;
            return finished ? write! with { Enquiry = write.Enquiry with { Pending = null }, Record = record } : null;
        }, cancellationToken) ?? throw Vanished(run.Enquiry.Id);

        if (!finished && record is not null)
        {
            await enquiries.RecordAsync(record, run.Enquiry.Enquiry.SourceId, once: false, cancellationToken);
        }

        return enquiry;
    }

    private async Task<EnquiryChange> CarryOutAsync(
        EnquiryChannel channel, StoredEnquiry enquiry, PendingEffects pending, EffectCause cause, HashSet<string> failed, List<string> notes, CancellationToken cancellationToken)
    {
        switch (pending.Effects[0])
        {
            case SendAutoMessage:
                var batch = pending.Effects.TakeWhile(e => e is SendAutoMessage).Cast<SendAutoMessage>().ToList();
                await SendAutoMessagesAsync(channel, enquiry, batch, cause, notes, cancellationToken);
                return Advance(cause, batch.Count);

            case ForwardEvent forward:
                return await ForwardAsync(channel, enquiry, forward, cause, failed, notes, cancellationToken);

            case ScheduleMissedCheck missed:
                await ScheduleAsync(channel, enquiry, EnquiryCheck.Missed, missed.At, cause, notes, cancellationToken);
                return Advance(cause, 1);

            case ScheduleAutoCloseCheck autoClose:
                await ScheduleAsync(channel, enquiry, EnquiryCheck.AutoClose, autoClose.At, cause, notes, cancellationToken);
                return Advance(cause, 1);

            case TellDestinationClosed tell:
                await TellClosedAsync(channel, enquiry, tell.DestinationId, notes, cancellationToken);
                return Advance(cause, 1);

            case SendMoveMessage say:
                await SendMoveMessageAsync(channel, enquiry, say, notes, cancellationToken);
                return Advance(cause, 1);

            case TellMove tell:
                await TellMoveAsync(channel, enquiry, tell, notes, cancellationToken);
                return Advance(cause, 1);

            case WarnOfExpiry warn:
                await SendTextAsync(channel, enquiry, $"{enquiry.Id}:expiry-warning-{warn.QuietSince.ToUnixTimeMilliseconds()}", "expiry warning", channel.Channel.Settings.SessionExpiry.Warning, notes, cancellationToken);
                return Advance(cause, 1);

            case var effect:
                throw new InvalidOperationException($"Unknown effect {effect}.");
        }
    }

    private async Task SendAutoMessagesAsync(EnquiryChannel channel, StoredEnquiry enquiry, List<SendAutoMessage> batch, EffectCause cause, List<string> notes, CancellationToken cancellationToken)
    {
        var kinds = string.Join('+', batch.Select(m => EffectText.Kind(m.Kind)));
        if (cause.Silent)
        {
            notes.Add($"The {kinds} message is not sent: a {cause.Type} event never makes the connector speak.");
            return;
        }

        // One request, so that every message can ride on the one reply token. Welcome, away and close each go at most once per enquiry.
        var builder = new OutboundRequestBuilder($"{enquiry.Id}:{kinds}", channel.Id, enquiry.Enquiry.SourceId).ForEnquiry(enquiry.Id);
        if ((cause.Reply ?? enquiry.LatestReply) is { } reply)
        {
            builder.ReplyWith(reply.Token, reply.WebhookReceivedAt);
        }

        foreach (var message in batch)
        {
            var staff = message.StaffMemberId is not null && message.StaffMemberId == enquiry.Enquiry.StaffMemberId ? enquiry.StaffName : null;
            builder.AddText(channel.AutoMessage(message.Kind, staff));
        }

        OutboundRequest request;
        try
        {
            request = builder.Build();
        }
        catch (ArgumentException e)
        {
            notes.Add($"The {kinds} message cannot be sent: {e.Message}");
            return;
        }

        await queue.SendAsync(QueueNames.Outbound, [request.ToQueueMessage()], cancellationToken);
        notes.Add($"The {kinds} message is queued for LINE as {request.OutboundId}.");
    }

    /// <summary>Forwards the kept events, oldest first, then the cause's event; the destination's answer to the last decides.</summary>
    private async Task<EnquiryChange> ForwardAsync(
        EnquiryChannel channel, StoredEnquiry enquiry, ForwardEvent forward, EffectCause cause, HashSet<string> failed, List<string> notes, CancellationToken cancellationToken)
    {
        var kept = await enquiries.GetKeptAsync(enquiry, cancellationToken);
        var messages = new List<DestinationMessage>(kept.Count + 1);
        foreach (var k in kept)
        {
            using var document = JsonDocument.Parse(k.Event);
            var keptEvent = document.RootElement.Clone();
            messages.Add(Message(channel, enquiry, DestinationMessage.EventKind, k.EventId, Source(keptEvent), keptEvent));
        }

        if (cause.Event is { } webhookEvent)
        {
            messages.Add(Message(channel, enquiry, DestinationMessage.EventKind, cause.Id, cause.Source, webhookEvent));
        }

        var destination = channel.Destination(forward.DestinationId);
        var outcome = destination is null
            ? new DestinationOutcome(DestinationResult.Unavailable, null, $"{forward.DestinationId} is no longer one of the channel's destinations")
            : new DestinationOutcome(DestinationResult.Accepted, null, "nothing to forward");
        if (destination is not null && cause is { Event: not null, Silent: false } && LoadingAnimation.Applies(channel.Channel, destination, enquiry.SourceType))
        {
            notes.Add(await loading.StartAsync(channel.Channel, enquiry.Enquiry.SourceId, cancellationToken));
        }

        // Translated for staff after handleInput (which ran when the event came) and before it is sent; the user's detected language is kept with the enquiry.
        var detected = new List<string>();
        for (var i = 0; destination is not null && i < messages.Count; i++)
        {
            if (messages[i].Event is { } forwarded && await translation.ForStaffAsync(channel.Channel, destination, enquiry.Languages, forwarded, cancellationToken) is { } translated)
            {
                messages[i] = messages[i] with { Event = translated.Value, Translation = translated.Info };
                if (translated.Note is { } note)
                {
                    notes.Add(note);
                }

                if (translated.DetectedLanguage is { } language)
                {
                    detected.Add(language);
                }
            }
        }

        var refusals = new List<string>();
        for (var i = 0; destination is not null && i < messages.Count; i++)
        {
            outcome = await destinations.SendAsync(channel.Id, destination, messages[i], SessionOf(enquiry), cancellationToken);
            if (outcome.Result == DestinationResult.Unavailable)
            {
                break;
            }

            if (outcome.Result == DestinationResult.Refused)
            {
                refusals.Add($"{messages[i].Id}: {outcome.Reason}");
            }
        }

        var what = (kept.Count, cause.Event) switch
        {
            (0, _) => "The event",
            (1, null) => "The kept event",
            (_, null) => $"The {kept.Count} kept events",
            _ => $"The {kept.Count} kept event(s) and the event",
        };
        if (outcome.Result == DestinationResult.Unavailable)
        {
            failed.Add(forward.DestinationId);
            notes.Add($"{forward.DestinationId} is unavailable: {outcome.Reason}.");
            var next = await channel.RouteAsync(enquiry.Id, cause.LastService, failed, freshPresence: false, cancellationToken, toStaff: enquiry.Enquiry.WithStaff);
            var failedForward = Advance(cause, 1, e =>
            {
                if (e.Enquiry.State == EnquiryState.Ongoing)
                {
                    // An accepted enquiry stays with its destination: the queue redelivers the event until it takes it.
                    throw new DestinationUnavailableException($"Enquiry {e.Id} is ongoing with {e.Enquiry.DestinationId}, which is unavailable: {outcome.Reason}.");
                }

                return Allowed(() => channel.Lifecycle.ForwardFailed(e.Enquiry, next, withEvent: cause.Event is not null), notes);
            });

            // A staff reply took the enquiry meanwhile and carried out its own effects: this cause's are no longer
            // pending, so the event would be neither delivered nor kept. The queue delivers it again, to be decided afresh.
            return cause.Event is null
                ? failedForward
                : e => e.Pending?.Cause == cause.Id ? failedForward(e) : throw new EnquiryChangedException(e.Id);
        }

        if (refusals.Count > 0 && messages.Count > 1)
        {
            notes.Add($"Not delivered to {forward.DestinationId}: {string.Join("; ", refusals)}.");
        }

        // A bot answers at once: its 2xx accepts the enquiry. A staff service's 2xx only says the event arrived.
        var accepts = outcome.Result == DestinationResult.Accepted && destination!.Kind == DestinationKind.Bot && messages.Count > 0;
        notes.Add(messages.Count switch
        {
            0 => $"No event is waiting for {forward.DestinationId}.",
            1 when outcome.Result == DestinationResult.Refused => $"{what} was not delivered to {forward.DestinationId}: {outcome.Reason}.",
            _ when accepts => $"{what} went to {forward.DestinationId} ({outcome.Reason}), which accepts the enquiry.",
            _ => $"{what} went to {forward.DestinationId} ({outcome.Reason}).",
        });
        var forwardedChange = Advance(cause, 1, accepts ? e => Allowed(() => channel.Lifecycle.Accept(e.Enquiry, forward.DestinationId), notes) : null, delivered: kept.Count);
        return detected.Count == 0
            ? forwardedChange
            : e => forwardedChange(e) is { } write ? write with { Enquiry = write.Enquiry with { Languages = write.Enquiry.Languages.WithDetected(detected) } } : null;
    }

    private async Task ScheduleAsync(EnquiryChannel channel, StoredEnquiry enquiry, string kind, DateTimeOffset at, EffectCause cause, List<string> notes, CancellationToken cancellationToken)
    {
        var check = new EnquiryCheck
        {
            Check = kind,
            ChannelId = channel.Id,
            EnquiryId = enquiry.Id,
            SourceId = enquiry.Enquiry.SourceId,
            Due = at,
            Attempt = cause.Check is { } previous && previous.Check == kind && previous.Due == at ? previous.Attempt + 1 : 0,
        };
        await queue.SendAsync(QueueNames.Inbound, [check.ToQueueMessage()], cancellationToken);
        notes.Add($"The {kind} check is scheduled for {at:O}.");
    }

    private async Task TellClosedAsync(EnquiryChannel channel, StoredEnquiry enquiry, string destinationId, List<string> notes, CancellationToken cancellationToken)
    {
        if (channel.Destination(destinationId) is not { } destination)
        {
            notes.Add($"{destinationId} is not told of the close: it is no longer one of the channel's destinations.");
            return;
        }

        var outcome = await destinations.SendAsync(channel.Id, destination, Message(channel, enquiry, DestinationMessage.ClosedKind, $"closed-{enquiry.Id}", null, null), SessionOf(enquiry), cancellationToken);
        switch (outcome.Result)
        {
            case DestinationResult.Unavailable:
                throw new DestinationUnavailableException($"{destinationId} could not be told that enquiry {enquiry.Id} closed: {outcome.Reason}.");
            case DestinationResult.Refused:
                notes.Add($"{destinationId} was not told of the close: {outcome.Reason}.");
                break;
            default:
                notes.Add($"{destinationId} was told of the close.");
                break;
        }
    }

    private Task SendMoveMessageAsync(EnquiryChannel channel, StoredEnquiry enquiry, SendMoveMessage say, List<string> notes, CancellationToken cancellationToken)
    {
        var which = say.Message == MoveMessage.Handover ? "handover" : "away";
        var text = say.Message == MoveMessage.Handover
            ? channel.Channel.Settings.Handover.MessageText
            : channel.AutoMessage(AutoMessageKind.Away, null);
        return SendTextAsync(channel, enquiry, $"{enquiry.Id}:move-{say.Move}-{which}", which, text, notes, cancellationToken);
    }

    /// <summary>Queues a text of the connector's own for the enquiry's source, on the latest reply token while it is fresh.</summary>
    private async Task SendTextAsync(EnquiryChannel channel, StoredEnquiry enquiry, string outboundId, string what, string text, List<string> notes, CancellationToken cancellationToken)
    {
        var builder = new OutboundRequestBuilder(outboundId, channel.Id, enquiry.Enquiry.SourceId).ForEnquiry(enquiry.Id).AddText(text);
        if (enquiry.LatestReply is { } reply)
        {
            builder.ReplyWith(reply.Token, reply.WebhookReceivedAt);
        }

        var request = builder.Build();
        await queue.SendAsync(QueueNames.Outbound, [request.ToQueueMessage()], cancellationToken);
        notes.Add($"The {what} message is queued for LINE as {request.OutboundId}.");
    }

    /// <summary>
    /// Tells a destination of a move. One that cannot take it now is not asked again: the move stands, and the
    /// missed-enquiry timeout (and the user's next event, forwarded or routed again) takes it from there.
    /// </summary>
    private async Task TellMoveAsync(EnquiryChannel channel, StoredEnquiry enquiry, TellMove tell, List<string> notes, CancellationToken cancellationToken)
    {
        if (enquiry.Enquiry.Moves.FirstOrDefault(m => m.Number == tell.Move) is not { } move)
        {
            notes.Add($"Move {tell.Move} is no longer recorded on enquiry {enquiry.Id}; {tell.DestinationId} is not told of it.");
            return;
        }

        if (channel.Destination(tell.DestinationId) is not { } destination)
        {
            notes.Add($"{tell.DestinationId} is not told of move {move.Number}: it is no longer one of the channel's destinations.");
            return;
        }

        var incoming = tell.DestinationId == move.To;
        var kind = !incoming ? DestinationMessage.HandedOverKind : move.Kind == MoveKind.Handback ? DestinationMessage.HandbackKind : DestinationMessage.HandoverKind;
        IReadOnlyList<HistoryItem>? history = null;
        if (kind == DestinationMessage.HandoverKind)
        {
            var settings = channel.Channel.Settings.Handover;
            var events = await enquiries.GetHistoryAsync(enquiry, settings.HistoryEvents, move.At - settings.HistoryPeriod, cancellationToken);
            history = events.Select(h => new HistoryItem(h.EventId, h.ReceivedAt, Json(h.Event))).ToList();
        }

        var message = Message(channel, enquiry, kind, $"{kind}-{enquiry.Id}-{move.Number}", null, null) with
        {
            Move = new MoveInfo(move.Number, MoveTexts.Kind.Format(move.Kind), move.At, move.From, move.To, move.By, move.StaffMemberId, move.Reason, move.Note),
            History = history,
        };
        var outcome = await destinations.SendAsync(channel.Id, destination, message, SessionOf(enquiry), cancellationToken);
        notes.Add(outcome.Result == DestinationResult.Accepted
            ? $"{tell.DestinationId} received the {kind} of move {move.Number}{(history is null ? "" : $" with {history.Count} recent event(s)")}."
            : $"{tell.DestinationId} did not take the {kind} of move {move.Number}: {outcome.Reason}.");
    }

    /// <summary>
    /// The change that marks the first <paramref name="done"/> pending effects as done and applies
    /// <paramref name="transition"/> (if any) to the enquiry as stored then; the transition's effects go in
    /// front of what is left. <paramref name="delivered"/> kept events are no longer kept. An event the
    /// transition keeps is stored with it. No change when the pending effects are no longer this cause's
    /// (the enquiry API closed the enquiry meanwhile).
    /// </summary>
    private static EnquiryChange Advance(EffectCause cause, int done, Func<StoredEnquiry, EnquiryTransition?>? transition = null, int delivered = 0) => e =>
    {
        if (e.Pending is not { } pending || pending.Cause != cause.Id)
        {
            return null;
        }

        var rest = pending.Effects.Skip(done);
        var forgotten = Enumerable.Range(0, Math.Min(delivered, e.Enquiry.KeptEvents)).Select(i => e.FirstKept + i).ToList();
        var advanced = e with
        {
            Enquiry = e.Enquiry with { KeptEvents = e.Enquiry.KeptEvents - forgotten.Count },
            FirstKept = e.FirstKept + forgotten.Count,
            Pending = pending with { Effects = rest.ToList() },
        };
        if (transition?.Invoke(advanced) is not { } t)
        {
            return new EnquiryWrite(advanced) { Forget = forgotten };
        }

        var changed = advanced with { Enquiry = t.Enquiry, Pending = pending with { Effects = t.Effects.Concat(rest).ToList() } };
        return new EnquiryWrite(changed) { Forget = forgotten, Keep = Kept(advanced, changed, cause) };
    };

    /// <summary>One change after another, as one write (only a forward's change keeps or forgets events, and it is written at once).</summary>
    private static EnquiryChange Then(EnquiryChange first, EnquiryChange second) => e =>
    {
        if (first(e) is not { } done)
        {
            return null;
        }

        return second(done.Enquiry) is { } then
            ? then with { Keep = then.Keep ?? done.Keep, Forget = [.. done.Forget, .. then.Forget] }
            : done;
    };

    /// <summary>The cause's event, when the change keeps one more event than before.</summary>
    internal static KeptEvent? Kept(StoredEnquiry before, StoredEnquiry after, EffectCause cause)
    {
        if (after.Enquiry.KeptEvents <= before.Enquiry.KeptEvents)
        {
            return null;
        }

        return cause.Event is { } webhookEvent
            ? new KeptEvent(after.Id, after.FirstKept + before.Enquiry.KeptEvents, cause.Id, webhookEvent.GetRawText())
            : throw new InvalidOperationException($"Enquiry {after.Id} keeps an event, but {cause.Id} is no event.");
    }

    /// <summary>A transition the enquiry's state (changed meanwhile) no longer allows leaves it as it is, with a note.</summary>
    private static EnquiryTransition? Allowed(Func<EnquiryTransition> transition, List<string> notes)
    {
        try
        {
            var t = transition();
            notes.AddRange(t.Explanation);
            return t;
        }
        catch (EnquiryTransitionException e)
        {
            notes.Add(e.Message);
            return null;
        }
    }

    internal DestinationMessage Message(EnquiryChannel channel, StoredEnquiry enquiry, string kind, string id, JsonElement? source, JsonElement? webhookEvent) => new()
    {
        Kind = kind,
        Id = id,
        Enquiry = new EnquiryInfo(enquiry.Id, EnquiryTexts.State.Format(enquiry.Enquiry.State), enquiry.Enquiry.StaffMemberId),
        Channel = ChannelInfo.Of(channel.Channel),
        Source = source,
        Event = webhookEvent,
        WithdrawMessageId = webhookEvent is { } e ? EventInstructions.WithdrawnMessageId(e) : null,
        SentAt = clock.GetUtcNow(),
    };

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    internal static string SessionOf(StoredEnquiry enquiry) => ConversationSession.Id(enquiry.ChannelId, enquiry.Enquiry.SourceId);

    /// <summary>The <c>source</c> of a webhook event as LINE sent it.</summary>
    internal static JsonElement? Source(JsonElement webhookEvent) =>
        webhookEvent.ValueKind == JsonValueKind.Object && webhookEvent.TryGetProperty("source", out var source) ? source : null;

    private static InvalidOperationException Vanished(string enquiryId) => new($"Enquiry {enquiryId} disappeared from the store while its effects were carried out.");
}
