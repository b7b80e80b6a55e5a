using System.Text.Json;
using LineConnector.Core.Channels;
using LineConnector.Core.Inbound;
using LineConnector.Core.Line.Events;
using LineConnector.Core.Outbound;
using LineConnector.Core.Queueing;
using LineConnector.Core.Routing;
using LineConnector.Core.Storage;
using LineConnector.Core.Transformers;

namespace LineConnector.Core.Enquiries;

/// <summary>What the inbound function did with one message: its record, and whether an earlier delivery had done it already.</summary>
public sealed record InboundOutcome(ProcessedCause Record, bool Repeated);

/// <summary>
/// Handles <c>line-inbound</c> messages (DESIGN §2): a webhook event finds or opens its conversation's
/// enquiry, is routed and forwarded, and the channel's auto-messages go to <c>line-outbound</c>; a
/// scheduled check makes an unaccepted enquiry missed, offers a missed one again, or closes an idle one.
/// </summary>
/// <remarks>
/// Idempotent per message id (the webhook event id): the decision is stored on the enquiry with its
/// effects in one write (with the source's row and the user's content when they change), the effects are
/// carried out, and one last write stores the message's record and clears them. A redelivery finds the
/// record (nothing to do) or the effects still pending (it carries out the rest), never decides twice.
/// A continuing message costs five Table requests (record, source, enquiry, decision, outcome), an
/// opening one six (and the presence, the welcome and the forward written before the missed check); the
/// channel comes from <see cref="ChannelCache"/>, the destinations' presence only when routing needs it.
/// Store, queue and Key Vault failures throw, so that Service Bus redelivers the message;
/// <see cref="ProcessAsync"/> records a message that fails for good as rejected instead.
/// </remarks>
public sealed class InboundProcessor(ChannelCache channels, EnquiryStore enquiries, PresenceStore presence, EnquiryEffects effects, EnquiryOptions options, TimeProvider clock)
{
    public const string Opened = "opened";
    public const string Continued = "continued";
    public const string Resumed = "resumed";
    public const string Ignored = "ignored";
    public const string Checked = "checked";
    public const string Rejected = "rejected";
    public const string Dropped = "dropped";

    /// <summary>
    /// Handles the message; one that fails for a permanent reason (<see cref="InboundFailures"/>) is recorded as
    /// rejected instead, so that Service Bus completes it and it never holds up the source's later events.
    /// </summary>
    public async Task<InboundOutcome> ProcessAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            return await HandleAsync(message, cancellationToken);
        }
        catch (Exception e) when (InboundFailures.IsPermanent(e, message.DeliveryCount, options.MaxDeliveryCount))
        {
            var (channelId, sourceId) = ConversationSession.Parse(message.SessionId);
            var detail = $"Rejected on delivery {message.DeliveryCount}: {InboundFailures.Reason(e)}";
            var record = new ProcessedCause(channelId, message.MessageId, null, "unknown", Rejected, EnquiryEntities.TableText(detail), clock.GetUtcNow());
            await enquiries.RecordAsync(record, sourceId, once: false, cancellationToken);
            return new InboundOutcome(record, Repeated: false);
        }
    }

    /// <exception cref="JsonException">The body is neither a webhook event's envelope nor a check (a malformed message: <see cref="ProcessAsync"/> records it as rejected).</exception>
    public async Task<InboundOutcome> HandleAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var document = JsonDocument.Parse(message.Body);
        return EnquiryCheck.IsCheck(document.RootElement)
            ? await HandleCheckAsync(message.MessageId, EnquiryCheck.Read(document.RootElement), cancellationToken)
            : await HandleEventAsync(message.MessageId, InboundEnvelope.Read(document.RootElement), cancellationToken);
    }

    private async Task<InboundOutcome> HandleEventAsync(string cause, InboundEnvelope envelope, CancellationToken cancellationToken)
    {
        // The webhook read the event and rejected it if its fields cannot be used (WebhookEventReader): nothing here reads its JSON again.
        var webhookEvent = envelope.Parsed;
        var channelId = envelope.ChannelId;
        var type = webhookEvent.Type;
        var sourceId = webhookEvent.Source?.ConversationId;
        var (channel, refusal) = await LoadChannelAsync(channelId, cancellationToken);
        if (refusal is not null)
        {
            return await RecordOnceAsync(channelId, sourceId, cause, null, type, Ignored, refusal + " The event opens no enquiry and is not forwarded.", cancellationToken);
        }

        var (role, why) = InboundEvents.RoleOf(webhookEvent);
        if (role == EventRole.Ignored || sourceId is null)
        {
            return await RecordOnceAsync(channelId, sourceId, cause, null, type, Ignored, why, cancellationToken);
        }

        if (await enquiries.FindProcessedAsync(channelId, sourceId, cause, cancellationToken) is { } done)
        {
            return new InboundOutcome(done, Repeated: true);
        }

        var reply = webhookEvent is { ReplyToken: { } token, IsStandby: false }
            ? new OutboundReply(token, envelope.ReceivedAt)
            : null;
        // In standby another channel has the chat: its messages are not this bot's to mark as read.
        var markAsRead = webhookEvent.IsStandby ? null : webhookEvent.Message?.MarkAsReadToken;
        for (var attempt = 0; attempt < EnquiryStore.MaxUpdateAttempts; attempt++)
        {
            var notes = new List<string> { why };
            var (source, current) = await ReadConversationAsync(channelId, sourceId, notes, cancellationToken);
            var lastService = Latest(current?.Enquiry.AsLastService(), source?.LastService);

            // The transformer changes what destinations receive; the connector goes on reading the event as LINE sent it (source, reply token, content).
            var live = current is { Enquiry.State: not EnquiryState.Closed } ? current : null;
            var transformed = TransformerStage.Apply(channel!.Channel.Settings.Transformers, TransformerHookKind.Input, envelope.Event, new TransformerContext(channelId, live?.Id, live?.TransformerStorage));
            if (transformed.Note is { } transformerNote)
            {
                notes.Add(transformerNote);
            }

            if (transformed.Value is not { } forwarded)
            {
                return await DropAsync(channelId, sourceId, cause, live, type, transformed.Storage, notes, cancellationToken);
            }

            var effectCause = new EffectCause(cause, type, forwarded, EnquiryEffects.Source(envelope.Event), reply, Silent: role == EventRole.FollowsUp) { LastService = lastService };
            if (current?.Pending?.Cause == cause)
            {
                notes.Add($"An earlier delivery decided for enquiry {current.Id}; what it left undone is carried out now.");
                return await FinishAsync(channel!, current, effectCause, Resumed, notes, cancellationToken);
            }

            var opens = current is null || current.Enquiry.State == EnquiryState.Closed;
            if (role == EventRole.FollowsUp && opens)
            {
                return await RecordOnceAsync(channelId, sourceId, cause, current?.Id, type, Ignored, $"{why} Source {sourceId} has no open enquiry.", cancellationToken);
            }

            // Routing reads the destinations' presence, so it is asked only when the lifecycle will route.
            var newId = EnquiryIds.For(channelId, sourceId, cause);
            var choice = EnquiryLifecycle.RoutesOnUserEvent(current?.Enquiry)
                ? await channel!.RouteAsync(opens ? newId : current!.Id, lastService, new HashSet<string>(), freshPresence: false, cancellationToken, toStaff: !opens && current!.Enquiry.WithStaff)
                : null;
            var transition = channel!.Lifecycle.ReceiveUserEvent(current?.Enquiry, sourceId, newId, _ => choice!);
            notes.AddRange(transition.Explanation);
            var decided = opens
                ? new StoredEnquiry
                {
                    ChannelId = channelId,
                    Enquiry = transition.Enquiry,
                    SourceType = webhookEvent.Source!.Type,
                    OpenedByEventId = cause,
                    LatestReply = reply,
                    MarkAsReadToken = markAsRead,
                    Pending = new PendingEffects(cause, transition.Effects),
                    TransformerStorage = transformed.Storage,
                }
                : current! with
                {
                    Enquiry = transition.Enquiry,
                    LatestReply = reply ?? current.LatestReply,
                    MarkAsReadToken = markAsRead ?? current.MarkAsReadToken,
                    Pending = new PendingEffects(cause, transition.Effects),
                    TransformerStorage = transformed.Storage,
                };
            var write = ConversationHistory.Add(
                new EnquiryWrite(decided)
                {
                    Source = opens ? new SourceRecord(channelId, sourceId, newId, lastService) : null,
                    Content = InboundContent.Of(channelId, decided.Id, webhookEvent),
                    Keep = EnquiryEffects.Kept(opens ? decided with { Enquiry = decided.Enquiry with { KeptEvents = 0 } } : current!, decided, effectCause),
                },
                channel.Channel,
                cause,
                envelope.Event,
                envelope.ReceivedAt);
            if (await enquiries.WriteAsync(write, opens ? null : current!.Enquiry, cancellationToken) is { } written)
            {
                return await FinishAsync(channel, written, effectCause, opens ? Opened : Continued, notes, cancellationToken);
            }

            // The enquiry API changed the enquiry (closed it, perhaps) since it was read: read it again and decide again.
        }

        throw new EnquiryChangedException(EnquiryIds.For(channelId, sourceId, cause));
    }

    private async Task<InboundOutcome> HandleCheckAsync(string cause, EnquiryCheck check, CancellationToken cancellationToken)
    {
        var type = $"{check.Check}-check";
        var (channel, refusal) = await LoadChannelAsync(check.ChannelId, cancellationToken);
        if (refusal is not null)
        {
            return await RecordOnceAsync(check.ChannelId, check.SourceId, cause, check.EnquiryId, type, Ignored, refusal + " The check does nothing.", cancellationToken);
        }

        if (await enquiries.FindProcessedAsync(check.ChannelId, check.SourceId, cause, cancellationToken) is { } done)
        {
            return new InboundOutcome(done, Repeated: true);
        }

        var effectCause = new EffectCause(cause, type, Check: check);
        for (var attempt = 0; attempt < EnquiryStore.MaxUpdateAttempts; attempt++)
        {
            var enquiry = await enquiries.GetAsync(check.EnquiryId, check.SourceId, cancellationToken);
            if (enquiry is null)
            {
                return await RecordOnceAsync(check.ChannelId, check.SourceId, cause, check.EnquiryId, type, Ignored, $"There is no enquiry {check.EnquiryId}.", cancellationToken);
            }

            var notes = new List<string>();
            if (enquiry.Pending?.Cause == cause)
            {
                return await FinishAsync(channel!, enquiry, effectCause, Checked, notes, cancellationToken);
            }

            EnquiryTransition transition;
            if (check.Check == EnquiryCheck.Missed)
            {
                // A missed enquiry without a destination is offered to the routing rule again, with the source's last service for sticky routing.
                DestinationChoice? choice = null;
                if (enquiry.Enquiry is { State: EnquiryState.Missed, DestinationId: null })
                {
                    var source = await enquiries.GetSourceAsync(check.ChannelId, enquiry.Enquiry.SourceId, cancellationToken);
                    choice = await channel!.RouteAsync(enquiry.Id, source?.LastService, new HashSet<string>(), freshPresence: true, cancellationToken, toStaff: enquiry.Enquiry.WithStaff);
                }

                transition = channel!.Lifecycle.MissedCheckDue(enquiry.Enquiry, check.Due, choice is null ? null : () => choice);
            }
            else
            {
                transition = channel!.Lifecycle.AutoCloseCheckDue(enquiry.Enquiry);
            }

            notes.AddRange(transition.Explanation);
            if (transition.Effects.Count == 0 && transition.Enquiry == enquiry.Enquiry)
            {
                return await RecordOnceAsync(check.ChannelId, check.SourceId, cause, enquiry.Id, type, Checked, string.Join(" ", notes), cancellationToken);
            }

            var decided = enquiry with { Enquiry = transition.Enquiry, Pending = new PendingEffects(cause, transition.Effects) };
            if (await enquiries.WriteAsync(new EnquiryWrite(decided), enquiry.Enquiry, cancellationToken) is { } written)
            {
                return await FinishAsync(channel, written, effectCause, Checked, notes, cancellationToken);
            }
        }

        throw new EnquiryChangedException(check.EnquiryId);
    }

    /// <summary>Carries out the pending effects, then stores what came of them with the message's record.</summary>
    private async Task<InboundOutcome> FinishAsync(EnquiryChannel channel, StoredEnquiry enquiry, EffectCause cause, string outcome, List<string> notes, CancellationToken cancellationToken)
    {
        var run = await effects.RunAsync(channel, enquiry, cause, notes, cancellationToken);
        var record = Record(channel.Id, cause.Id, enquiry.Id, cause.Type, outcome, notes);
        await effects.FinishAsync(run, cause.Id, record, cancellationToken);
        return new InboundOutcome(record, Repeated: false);
    }

    /// <summary>
    /// The source's row and its current enquiry. A row that cannot be read (a hand edit gone wrong) is
    /// passed over with a note, so that it never breaks the source's later events: a new enquiry opens.
    /// </summary>
    private async Task<(SourceRecord? Source, StoredEnquiry? Current)> ReadConversationAsync(string channelId, string sourceId, List<string> notes, CancellationToken cancellationToken)
    {
        SourceRecord? source;
        try
        {
            source = await enquiries.GetSourceAsync(channelId, sourceId, cancellationToken);
        }
        catch (EnquiryRowException e)
        {
            notes.Add($"The source's row cannot be read ({e.Message}); it is written anew.");
            return (null, null);
        }

        try
        {
            return (source, source?.CurrentEnquiryId is { } id ? await enquiries.GetAsync(id, sourceId, cancellationToken) : null);
        }
        catch (EnquiryRowException e)
        {
            notes.Add($"The source's enquiry cannot be read ({e.Message}); it is left as it is.");
            return (source, null);
        }
    }

    /// <summary>The channel ready for enquiries, or why its events are left: unknown, deleted or suspended (DESIGN §5).</summary>
    private async Task<(EnquiryChannel? Channel, string? Refusal)> LoadChannelAsync(string channelId, CancellationToken cancellationToken)
    {
        var stored = await channels.GetAsync(channelId, cancellationToken);
        return stored?.Channel.Status switch
        {
            null => (null, $"There is no channel '{channelId}'."),
            ChannelStatus.Deleted => (null, $"Channel '{channelId}' is deleted."),
            ChannelStatus.Suspended => (null, $"Channel '{channelId}' is suspended."),
            _ => (new EnquiryChannel(stored.Channel, presence, options, clock), null),
        };
    }

    /// <summary>
    /// Records an event the transformer dropped: it opens no enquiry and reaches no destination. The storage
    /// object, when the function changed it, is kept with the source's enquiry in the same write as the record.
    /// </summary>
    private async Task<InboundOutcome> DropAsync(
        string channelId, string sourceId, string cause, StoredEnquiry? live, string type, string? storage, List<string> notes, CancellationToken cancellationToken)
    {
        if (live is null || storage == live.TransformerStorage)
        {
            return await RecordOnceAsync(channelId, sourceId, cause, live?.Id, type, Dropped, string.Join(" ", notes), cancellationToken);
        }

        var record = Record(channelId, cause, live.Id, type, Dropped, notes);
        await enquiries.UpdateAsync(live, e => new EnquiryWrite(e with { TransformerStorage = storage }) { Record = record }, cancellationToken);
        return new InboundOutcome(record, Repeated: false);
    }

    /// <summary>Records a message that changes no enquiry; a redelivery finds the first record.</summary>
    private async Task<InboundOutcome> RecordOnceAsync(
        string channelId, string? sourceId, string cause, string? enquiryId, string type, string outcome, string detail, CancellationToken cancellationToken)
    {
        var record = Record(channelId, cause, enquiryId, type, outcome, [detail]);
        if (await enquiries.RecordAsync(record, sourceId, once: true, cancellationToken))
        {
            return new InboundOutcome(record, Repeated: false);
        }

        return new InboundOutcome(
            await enquiries.FindProcessedAsync(channelId, sourceId, cause, cancellationToken)
                ?? throw new InvalidOperationException($"Message {cause} was recorded, and yet its record cannot be read."),
            Repeated: true);
    }

    private ProcessedCause Record(string channelId, string cause, string? enquiryId, string type, string outcome, IEnumerable<string> notes) =>
        new(channelId, cause, enquiryId, type, outcome, EnquiryEntities.TableText(string.Join(" ", notes)), clock.GetUtcNow());

    private static LastService? Latest(LastService? a, LastService? b) =>
        a is null ? b : b is null ? a : a.ServedAt >= b.ServedAt ? a : b;
}
