using System.Text.Json;
using LineConnector.Core.Channels;
using LineConnector.Core.Inbound;
using LineConnector.Core.Line.Events;
using LineConnector.Core.Outbound;
using LineConnector.Core.Queueing;
using LineConnector.Core.Routing;

namespace LineConnector.Core.Enquiries;

/// <summary>What the inbound function did with one message: its record, and whether an earlier delivery had done it already.</summary>
public sealed record InboundOutcome(ProcessedCause Record, bool Repeated);

/// <summary>
/// Handles <c>line-inbound</c> messages (DESIGN §2): a webhook event finds or opens its conversation's
/// enquiry, is routed and forwarded, and the channel's auto-messages go to <c>line-outbound</c>; a
/// scheduled check makes an unaccepted enquiry missed (or an idle one closed).
/// </summary>
/// <remarks>
/// Idempotent per message id (the webhook event id): the decision is stored on the enquiry with its
/// effects in one write, the effects are carried out, the message is recorded in
/// <see cref="EnquiryTables.Processed"/>, and only then are the effects cleared. A redelivery finds the
/// record (nothing to do) or the effects still pending (it carries out the rest), never decides twice.
/// Store, queue and Key Vault failures throw, so that Service Bus redelivers the message.
/// </remarks>
public sealed class InboundProcessor(ChannelRepository channels, EnquiryStore enquiries, PresenceStore presence, EnquiryEffects effects, EnquiryOptions options, TimeProvider clock)
{
    public const string Opened = "opened";
    public const string Continued = "continued";
    public const string Resumed = "resumed";
    public const string Ignored = "ignored";
    public const string Checked = "checked";

    /// <exception cref="JsonException">The body is neither a webhook event's envelope nor a check (a malformed message: it ends in the dead-letter queue).</exception>
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
        var webhookEvent = envelope.Parsed;
        var channelId = envelope.ChannelId;
        var type = webhookEvent.Type;
        if (await enquiries.FindProcessedAsync(channelId, cause, cancellationToken) is { } done)
        {
            return new InboundOutcome(done, Repeated: true);
        }

        var (channel, refusal) = await LoadChannelAsync(channelId, cancellationToken);
        if (refusal is not null)
        {
            return await RecordAsync(channelId, cause, null, type, Ignored, refusal + " The event opens no enquiry and is not forwarded.", cancellationToken);
        }

        var (role, why) = InboundEvents.RoleOf(webhookEvent);
        var sourceId = webhookEvent.Source?.ConversationId;
        if (role == EventRole.Ignored || sourceId is null)
        {
            return await RecordAsync(channelId, cause, null, type, Ignored, why, cancellationToken);
        }

        var sourceRow = await enquiries.GetSourceAsync(channelId, sourceId, cancellationToken);
        var current = sourceRow?.CurrentEnquiryId is { } currentId ? await enquiries.GetAsync(currentId, cancellationToken) : null;
        var reply = webhookEvent is { ReplyToken: { } token, IsStandby: false }
            ? new OutboundReply(token, envelope.ReceivedAt)
            : null;
        var lastService = Latest(current?.Enquiry.AsLastService(), sourceRow?.LastService);
        var effectCause = new EffectCause(cause, type, envelope.Event, Source(envelope.Event), reply, Silent: role == EventRole.FollowsUp) { LastService = lastService, Parsed = webhookEvent };
        var notes = new List<string> { why };

        StoredEnquiry enquiry;
        string outcome;
        if (current?.Pending?.Cause == cause)
        {
            enquiry = current;
            outcome = Resumed;
            notes.Add($"An earlier delivery decided for enquiry {current.Id}; what it left undone is carried out now.");
        }
        else if (role == EventRole.FollowsUp && (current is null || current.Enquiry.State == EnquiryState.Closed))
        {
            return await RecordAsync(channelId, cause, current?.Id, type, Ignored, $"{why} Source {sourceId} has no open enquiry.", cancellationToken);
        }
        else
        {
            var continued = current is null ? null : await ContinueAsync(channel!, current, sourceId, effectCause, notes, cancellationToken);
            if (continued is not null)
            {
                enquiry = continued;
                outcome = Continued;
            }
            else
            {
                // No enquiry, or a closed one (perhaps closed through the API a moment ago): the event opens a new one.
                var closed = current is null ? null : await enquiries.GetAsync(current.Id, cancellationToken);
                enquiry = await OpenAsync(channel!, closed, sourceId, webhookEvent.Source!.Type, effectCause, notes, cancellationToken);
                outcome = enquiry.Pending?.Cause == cause ? Opened : Resumed;
            }
        }

        enquiry = await effects.RunAsync(channel!, enquiry, effectCause, notes, cancellationToken);
        var record = await RecordAsync(channelId, cause, enquiry.Id, type, outcome, string.Join(" ", notes), cancellationToken);
        await effects.FinishAsync(enquiry, cause, cancellationToken);
        return record;
    }

    /// <summary>Applies the event to the source's enquiry that is not closed; null when it is closed (by now).</summary>
    private async Task<StoredEnquiry?> ContinueAsync(EnquiryChannel channel, StoredEnquiry current, string sourceId, EffectCause cause, List<string> notes, CancellationToken cancellationToken)
    {
        EnquiryTransition? transition = null;
        var updated = await enquiries.UpdateAsync(current.Id, e =>
        {
            if (e.Enquiry.State == EnquiryState.Closed)
            {
                transition = null;
                return null;
            }

            transition = channel.Lifecycle.ReceiveUserEvent(e.Enquiry, sourceId, EnquiryIds.For(channel.Id, cause.Id), id => channel.Route(id, cause.LastService, new HashSet<string>()));
            return e with
            {
                Enquiry = transition.Enquiry,
                LatestReply = cause.Reply ?? e.LatestReply,
                Pending = new PendingEffects(cause.Id, transition.Effects),
            };
        }, cancellationToken);

        if (transition is null || updated is null)
        {
            return null;
        }

        notes.AddRange(transition.Explanation);
        return updated;
    }

    private async Task<StoredEnquiry> OpenAsync(EnquiryChannel channel, StoredEnquiry? closed, string sourceId, string sourceType, EffectCause cause, List<string> notes, CancellationToken cancellationToken)
    {
        var id = EnquiryIds.For(channel.Id, cause.Id);
        var transition = channel.Lifecycle.ReceiveUserEvent(closed?.Enquiry, sourceId, id, enquiryId => channel.Route(enquiryId, cause.LastService, new HashSet<string>()));
        var opened = await enquiries.InsertAsync(new StoredEnquiry
        {
            ChannelId = channel.Id,
            Enquiry = transition.Enquiry,
            SourceType = sourceType,
            OpenedByEventId = cause.Id,
            LatestReply = cause.Reply,
            Pending = new PendingEffects(cause.Id, transition.Effects),
        }, cancellationToken);

        if (opened is null)
        {
            // An earlier delivery of this event opened it and stopped before pointing the source at it.
            opened = await enquiries.GetAsync(id, cancellationToken) ?? throw new InvalidOperationException($"Enquiry {id} exists and yet cannot be read.");
            notes.Add($"Enquiry {id} was opened by an earlier delivery of this event; what it left undone is carried out now.");
        }
        else
        {
            notes.AddRange(transition.Explanation);
        }

        await enquiries.SaveSourceAsync(new SourceRecord(channel.Id, sourceId, id, cause.LastService), cancellationToken);
        return opened;
    }

    private async Task<InboundOutcome> HandleCheckAsync(string cause, EnquiryCheck check, CancellationToken cancellationToken)
    {
        var type = $"{check.Check}-check";
        if (await enquiries.FindProcessedAsync(check.ChannelId, cause, cancellationToken) is { } done)
        {
            return new InboundOutcome(done, Repeated: true);
        }

        var (channel, refusal) = await LoadChannelAsync(check.ChannelId, cancellationToken);
        if (refusal is not null)
        {
            return await RecordAsync(check.ChannelId, cause, check.EnquiryId, type, Ignored, refusal + " The check does nothing.", cancellationToken);
        }

        var enquiry = await enquiries.GetAsync(check.EnquiryId, cancellationToken);
        if (enquiry is null)
        {
            return await RecordAsync(check.ChannelId, cause, check.EnquiryId, type, Ignored, $"There is no enquiry {check.EnquiryId}.", cancellationToken);
        }

        var notes = new List<string>();
        var effectCause = new EffectCause(cause, type, Check: check);
        if (enquiry.Pending?.Cause != cause)
        {
            EnquiryTransition? transition = null;
            enquiry = await enquiries.UpdateAsync(enquiry.Id, e =>
            {
                transition = check.Check == EnquiryCheck.Missed ? channel!.Lifecycle.MissedCheckDue(e.Enquiry) : channel!.Lifecycle.AutoCloseCheckDue(e.Enquiry);
                return transition.Effects.Count == 0 && transition.Enquiry == e.Enquiry
                    ? null
                    : e with { Enquiry = transition.Enquiry, Pending = new PendingEffects(cause, transition.Effects) };
            }, cancellationToken) ?? throw new InvalidOperationException($"Enquiry {check.EnquiryId} disappeared while it was checked.");
            notes.AddRange(transition!.Explanation);
        }

        enquiry = await effects.RunAsync(channel!, enquiry, effectCause, notes, cancellationToken);
        var record = await RecordAsync(check.ChannelId, cause, enquiry.Id, type, Checked, string.Join(" ", notes), cancellationToken);
        await effects.FinishAsync(enquiry, cause, cancellationToken);
        return record;
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
            _ => (new EnquiryChannel(stored.Channel, await presence.GetAsync(channelId, cancellationToken), options, clock), null),
        };
    }

    private async Task<InboundOutcome> RecordAsync(string channelId, string cause, string? enquiryId, string type, string outcome, string detail, CancellationToken cancellationToken)
    {
        var record = new ProcessedCause(channelId, cause, enquiryId, type, outcome, EnquiryEntities.TableText(detail), clock.GetUtcNow());
        await enquiries.RecordProcessedAsync(record, cancellationToken);
        return new InboundOutcome(record, Repeated: false);
    }

    private static JsonElement? Source(JsonElement webhookEvent) =>
        webhookEvent.ValueKind == JsonValueKind.Object && webhookEvent.TryGetProperty("source", out var source) ? source : null;

    private static LastService? Latest(LastService? a, LastService? b) =>
        a is null ? b : b is null ? a : a.ServedAt >= b.ServedAt ? a : b;
}
