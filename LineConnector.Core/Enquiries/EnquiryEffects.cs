using System.Text.Json;
using LineConnector.Core.Channels;
using LineConnector.Core.Destinations;
using LineConnector.Core.Line.Events;
using LineConnector.Core.Outbound;
using LineConnector.Core.Queueing;
using LineConnector.Core.Routing;

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

    /// <summary>The webhook event as the webhook read it, when the cause is one.</summary>
    public WebhookEvent? Parsed { get; init; }
}

/// <summary>The destination of an ongoing enquiry cannot take its event now; the queue redelivers it.</summary>
public sealed class DestinationUnavailableException(string message) : Exception(message);

/// <summary>
/// Carries out an enquiry's pending effects in order, recording progress on the enquiry after each,
/// so that a redelivered cause resumes where the last attempt stopped. A forward that finds its
/// destination unavailable becomes the lifecycle's <see cref="EnquiryLifecycle.ForwardFailed"/>, whose
/// effects (the next destination, or the away message) go in front of the rest. Every effect is
/// idempotent by its id (auto-messages <c>{enquiry id}:{kinds}</c>, checks by due time, forwards by
/// the event's id), except that a destination may see a forward again after a crash right after it.
/// </summary>
public sealed class EnquiryEffects(EnquiryStore enquiries, DestinationSender destinations, IQueueSender queue, TimeProvider clock)
{
    /// <summary>Runs the effects pending for <paramref name="cause"/>; notes say what each did. Returns the enquiry as left.</summary>
    public async Task<StoredEnquiry> RunAsync(EnquiryChannel channel, StoredEnquiry enquiry, EffectCause cause, List<string> notes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(cause);
        var failed = new HashSet<string>(StringComparer.Ordinal);
        while (enquiry.Pending is { } pending && pending.Cause == cause.Id && pending.Effects.Count > 0)
        {
            var effect = pending.Effects[0];
            switch (effect)
            {
                case SendAutoMessage:
                    var batch = pending.Effects.TakeWhile(e => e is SendAutoMessage).Cast<SendAutoMessage>().ToList();
                    await SendAutoMessagesAsync(channel, enquiry, batch, cause, notes, cancellationToken);
                    enquiry = await AdvanceAsync(enquiry, cause, batch.Count, null, cancellationToken);
                    break;

                case ForwardEvent forward:
                    enquiry = await ForwardAsync(channel, enquiry, forward, cause, failed, notes, cancellationToken);
                    break;

                case ScheduleMissedCheck missed:
                    await ScheduleAsync(channel, enquiry, EnquiryCheck.Missed, missed.At, cause, notes, cancellationToken);
                    enquiry = await AdvanceAsync(enquiry, cause, 1, null, cancellationToken);
                    break;

                case ScheduleAutoCloseCheck autoClose:
                    await ScheduleAsync(channel, enquiry, EnquiryCheck.AutoClose, autoClose.At, cause, notes, cancellationToken);
                    enquiry = await AdvanceAsync(enquiry, cause, 1, null, cancellationToken);
                    break;

                case TellDestinationClosed tell:
                    await TellClosedAsync(channel, enquiry, tell.DestinationId, notes, cancellationToken);
                    enquiry = await AdvanceAsync(enquiry, cause, 1, null, cancellationToken);
                    break;

                default:
                    throw new InvalidOperationException($"Unknown effect {effect}.");
            }
        }

        return enquiry;
    }

    /// <summary>Clears the pending effects of <paramref name="cause"/> once they are done and the cause is recorded.</summary>
    public async Task<StoredEnquiry> FinishAsync(StoredEnquiry enquiry, string cause, CancellationToken cancellationToken) =>
        await enquiries.UpdateAsync(enquiry.Id, e => e.Pending?.Cause == cause ? e with { Pending = null } : null, cancellationToken)
        ?? throw Vanished(enquiry.Id);

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
            builder.AddText(channel.AutoMessages.Render(message.Kind, staff));
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

    private async Task<StoredEnquiry> ForwardAsync(
        EnquiryChannel channel, StoredEnquiry enquiry, ForwardEvent forward, EffectCause cause, HashSet<string> failed, List<string> notes, CancellationToken cancellationToken)
    {
        if (cause.Event is not { } webhookEvent)
        {
            throw new InvalidOperationException($"Enquiry {enquiry.Id} has an event to forward to {forward.DestinationId}, but {cause.Id} is no event.");
        }

        // Recorded before the forward, so that the destination can fetch the content as soon as it sees the event.
        if (cause.Parsed is { } parsed && InboundContent.Of(channel.Id, enquiry.Id, parsed) is { } content)
        {
            await enquiries.RecordContentAsync(content, cancellationToken);
        }

        var destination = channel.Destination(forward.DestinationId);
        var outcome = destination is null
            ? new DestinationOutcome(DestinationResult.Unavailable, null, $"{forward.DestinationId} is no longer one of the channel's destinations")
            : await destinations.SendAsync(channel.Id, destination, Message(channel, enquiry, DestinationMessage.EventKind, cause.Id, cause.Source, webhookEvent), SessionOf(enquiry), cancellationToken);

        switch (outcome.Result)
        {
            case DestinationResult.Accepted when destination!.Kind == DestinationKind.Bot:
                // A bot answers at once: its 2xx accepts the enquiry. A staff service's 2xx only says the event arrived.
                notes.Add($"The event went to {forward.DestinationId} ({outcome.Reason}), which accepts the enquiry.");
                return await AdvanceAsync(enquiry, cause, 1, e => Allowed(() => channel.Lifecycle.Accept(e, forward.DestinationId), notes), cancellationToken);

            case DestinationResult.Accepted:
                notes.Add($"The event went to {forward.DestinationId} ({outcome.Reason}).");
                return await AdvanceAsync(enquiry, cause, 1, null, cancellationToken);

            case DestinationResult.Refused:
                notes.Add($"The event was not delivered to {forward.DestinationId}: {outcome.Reason}.");
                return await AdvanceAsync(enquiry, cause, 1, null, cancellationToken);

            default:
                failed.Add(forward.DestinationId);
                notes.Add($"{forward.DestinationId} is unavailable: {outcome.Reason}.");
                var next = channel.Route(enquiry.Id, cause.LastService, failed);
                return await AdvanceAsync(enquiry, cause, 1, e =>
                {
                    if (e.State == EnquiryState.Ongoing)
                    {
                        // An accepted enquiry stays with its destination: the queue redelivers the event until it takes it.
                        throw new DestinationUnavailableException($"Enquiry {e.Id} is ongoing with {e.DestinationId}, which is unavailable: {outcome.Reason}.");
                    }

                    return Allowed(() => channel.Lifecycle.ForwardFailed(e, next), notes);
                }, cancellationToken);
        }
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

    /// <summary>
    /// Marks the first <paramref name="done"/> pending effects as done and applies <paramref name="transition"/>
    /// (if any) to the enquiry as stored now; the transition's effects go in front of what is left.
    /// Does nothing if the pending effects are no longer this cause's (the enquiry API closed it meanwhile).
    /// </summary>
    private async Task<StoredEnquiry> AdvanceAsync(StoredEnquiry enquiry, EffectCause cause, int done, Func<Enquiry, EnquiryTransition?>? transition, CancellationToken cancellationToken) =>
        await enquiries.UpdateAsync(enquiry.Id, e =>
        {
            if (e.Pending is not { } pending || pending.Cause != cause.Id)
            {
                return null;
            }

            var rest = pending.Effects.Skip(done);
            if (transition?.Invoke(e.Enquiry) is not { } t)
            {
                return e with { Pending = pending with { Effects = rest.ToList() } };
            }

            return e with { Enquiry = t.Enquiry, Pending = pending with { Effects = t.Effects.Concat(rest).ToList() } };
        }, cancellationToken) ?? throw Vanished(enquiry.Id);

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
        Enquiry = new EnquiryInfo(enquiry.Id, EnquiryEntities.StateText(enquiry.Enquiry.State), enquiry.Enquiry.StaffMemberId),
        Channel = ChannelInfo.Of(channel.Channel),
        Source = source,
        Event = webhookEvent,
        SentAt = clock.GetUtcNow(),
    };

    internal static string SessionOf(StoredEnquiry enquiry) => ConversationSession.Id(enquiry.ChannelId, enquiry.Enquiry.SourceId);

    private static InvalidOperationException Vanished(string enquiryId) => new($"Enquiry {enquiryId} disappeared from the store while its effects were carried out.");
}
