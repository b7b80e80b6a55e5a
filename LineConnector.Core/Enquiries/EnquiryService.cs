using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LineConnector.Core.Channels;
using LineConnector.Core.Destinations;
using LineConnector.Core.Line;
using LineConnector.Core.Line.Api;
using LineConnector.Core.Outbound;
using LineConnector.Core.Privacy;
using LineConnector.Core.Queueing;
using LineConnector.Core.Routing;
using LineConnector.Core.Transformers;
using LineConnector.Core.Translation;

namespace LineConnector.Core.Enquiries;

/// <summary>A destination's proven hold on one enquiry: the enquiry, its channel, and the destination the bearer is the secret of.</summary>
public sealed record EnquiryAccess(Channel Channel, StoredEnquiry Enquiry, string DestinationId)
{
    /// <summary>Through the admin API (a function key) rather than a destination's secret; <see cref="DestinationId"/> is then the enquiry's own.</summary>
    public bool ByOperator { get; init; }
}

/// <summary>A caller's proven right to act on a channel: a destination of it by its secret, or the admin API (<see cref="DestinationId"/> null).</summary>
public sealed record ChannelAccess(Channel Channel, string? DestinationId);

/// <summary>
/// The enquiry API for destinations (reply, close, read) and its admin side (presence, what-if).
/// A destination authenticates with its secret as a bearer token before anything is looked up
/// (<see cref="AuthorizeAsync"/>): the enquiry's destination may act on it; while it has none, any
/// destination of its channel may. Refusals are <see cref="DomainException"/>; store and queue failures throw.
/// </summary>
public sealed class EnquiryService(
    EnquiryStore enquiries,
    ChannelCache channels,
    PresenceStore presence,
    EnquiryEffects effects,
    IQueueSender queue,
    IDestinationSecrets secrets,
    LineApiClient line,
    TranslationStage translation,
    SensitiveLogging sensitive,
    EnquiryOptions options,
    TimeProvider clock)
{
    /// <summary>The cause of a close's effects (the close message): one per enquiry, so a retried close finishes them.</summary>
    public const string CloseCause = "close";

    /// <summary>The outcome of the record of a reply whose translation failed (it went untranslated).</summary>
    public const string TranslationFailed = "translation-failed";

    /// <summary>The cause of the record of a reply whose translation failed: <c>{outbound id}:translation</c>.</summary>
    public static string TranslationFailureCause(string outboundId) => $"{outboundId}:translation";

    /// <summary>
    /// LINE message objects in one reply through the API (five LINE requests). More than <see cref="MessageLimits.MaxMessagesPerRequest"/>
    /// go to LINE in order over several requests (DESIGN §5); a reply is one <c>line-outbound</c> message,
    /// and this many keeps an ordinary reply far below Service Bus's 256 KB per message.
    /// </summary>
    public const int MaxMessagesPerReply = 25;

    /// <summary>How many messages one send to a queue carries.</summary>
    private const int QueueBatch = 100;

    /// <summary>How long a destination waits before asking again for content LINE is still preparing.</summary>
    public static readonly TimeSpan ContentRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Who is calling, before anything is looked up: no bearer is 401 at once; an id that cannot be an
    /// enquiry id is 404; otherwise the bearer must be the secret of a destination of the channel the id
    /// names (401 whether or not the channel or the enquiry exists). Then the enquiry: 404 when there is
    /// none, 403 when it is another destination's.
    /// </summary>
    /// <param name="anyOfChannel">Any destination of the enquiry's channel may act (inject), not only the enquiry's own: no 403.</param>
    public async Task<EnquiryAccess> AuthorizeAsync(string enquiryId, string? bearer, CancellationToken cancellationToken, bool anyOfChannel = false)
    {
        if (string.IsNullOrEmpty(bearer))
        {
            throw new DomainException(DomainError.Unauthorized, "Send the destination's secret as 'Authorization: Bearer {secret}'.");
        }

        if (!EnquiryIds.TryParse(enquiryId, out var channelId))
        {
            throw NotFound(enquiryId);
        }

        var channel = (await channels.GetAsync(channelId, cancellationToken))?.Channel;
        var destinationId = channel is null
            ? null
            : await IdentifyAsync(channel, bearer, refresh: false, cancellationToken) ?? await IdentifyAsync(channel, bearer, refresh: true, cancellationToken);
        if (channel is null || destinationId is null)
        {
            throw new DomainException(DomainError.Unauthorized, $"The bearer is not the secret of any destination of channel '{channelId}'.");
        }

        var enquiry = channel.Status == ChannelStatus.Deleted ? null : await enquiries.GetAsync(enquiryId, cancellationToken);
        if (enquiry is null)
        {
            throw NotFound(enquiryId);
        }

        return !anyOfChannel && enquiry.Enquiry.DestinationId is { } owner && owner != destinationId
            ? throw new DomainException(DomainError.Forbidden, $"Enquiry {enquiry.Id} is with {owner}, not {destinationId}.", title: "Not this destination's enquiry")
            : new EnquiryAccess(channel, enquiry, destinationId);
    }

    /// <summary>
    /// The bytes of a user's image, video, audio or file that went to this enquiry, from LINE's content API
    /// with the channel token (which the destination never sees), or (<see cref="ContentDownload.Content"/>
    /// null) that LINE is still converting the video or audio (DESIGN §5, Inbound content). Any other message
    /// id (another enquiry's included) is not found, so a destination learns nothing of other enquiries.
    /// LINE having failed to convert it is <see cref="DomainError.Unprocessable"/>; LINE no longer keeping it
    /// is <see cref="DomainError.NotFound"/>; LINE failing throws <see cref="LineApiException"/>. Dispose the content once read.
    /// </summary>
    public async Task<ContentDownload> FetchContentAsync(EnquiryAccess access, string messageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(access);
        var content = InboundContent.IsMessageId(messageId) ? await enquiries.GetContentAsync(access.Enquiry, messageId, cancellationToken) : null;
        if (content is null || content.EnquiryId != access.Enquiry.Id)
        {
            throw new DomainException(DomainError.NotFound, $"Enquiry {access.Enquiry.Id} has no image, video, audio or file with message id '{Shown(messageId)}'.");
        }

        try
        {
            if (content.NeedsTranscoding)
            {
                switch (await line.GetTranscodingStatusAsync(content.ChannelId, content.MessageId, cancellationToken))
                {
                    case TranscodingStatus.Processing:
                        return ContentDownload.Preparing(content.MessageId);
                    case TranscodingStatus.Failed:
                        throw new DomainException(DomainError.Unprocessable,
                            $"LINE could not prepare the {content.Kind} of message {content.MessageId}; it cannot be fetched.", title: "LINE could not prepare it");
                }
            }

            var fetched = await line.GetMessageContentAsync(content.ChannelId, content.MessageId, cancellationToken);
            if (!fetched.IsReady)
            {
                fetched.Dispose();
                return ContentDownload.Preparing(content.MessageId);
            }

            return new ContentDownload(content.MessageId, fetched);
        }
        catch (LineApiException e) when (e.Status is 404 or 410)
        {
            throw new DomainException(DomainError.NotFound,
                $"LINE no longer keeps the content of message {content.MessageId} (it keeps what users send for a limited time).", title: "LINE no longer keeps this content");
        }
    }

    /// <summary>
    /// Queues a staff member's reply for LINE (<see cref="EnquiryLifecycle.StaffReplied"/>: the enquiry becomes
    /// ongoing). Everything that can refuse it is checked before the enquiry changes: the body (400) and whether
    /// the enquiry's source can be addressed at all (422).
    /// </summary>
    /// <param name="idempotencyKey">The same key on a retried call gives the same outbound id, so LINE gets the reply once.</param>
    public async Task<ReplyAccepted> ReplyAsync(EnquiryAccess access, StaffReplyRequest request, string? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(request);
        var (channel, enquiry, destinationId) = access;
        var staff = ValidReply(request, idempotencyKey);
        if (!OutboundRequest.IsLineId(enquiry.Enquiry.SourceId))
        {
            throw new DomainException(DomainError.Unprocessable,
                $"Enquiry {enquiry.Id} is with source '{Shown(enquiry.Enquiry.SourceId)}', which is not a LINE user, group or room id: nothing can be sent to it.",
                title: "The enquiry's source cannot be addressed");
        }

        var context = new EnquiryChannel(channel, presence, options, clock);
        var name = staff.FirstName is { Length: > 0 } first ? new StaffName(first, staff.LastName) : null;
        var sender = StaffDisplayName.ForSender(channel.Settings.StaffNameFormat, name);
        var outboundId = idempotencyKey is null ? $"reply-{Guid.NewGuid():N}" : $"reply-{Hash(enquiry.Id + "\n" + idempotencyKey)}";
        var transformed = TransformerStage.Apply(channel.Settings.Transformers, TransformerHookKind.Output, request.Messages, new TransformerContext(channel.Id, enquiry.Id, enquiry.TransformerStorage));
        var storage = channel.Settings.DataProtection.Kept(transformed.Storage);
        if (transformed.Value is not { } messages)
        {
            // Dropped: nothing goes to LINE and the enquiry does not change, but the storage object does.
            var kept = await enquiries.UpdateAsync(enquiry, e => e.TransformerStorage == storage ? null : new EnquiryWrite(e with { TransformerStorage = storage }), cancellationToken) ?? enquiry;
            return new ReplyAccepted(outboundId, EnquiryResource.Of(kept), null, transformed.Note) { Dropped = true };
        }

        // Translated into the user's language after handleOutput, before any check: LINE's limits apply to what the user gets.
        var translated = await translation.ForUserAsync(channel, channel.Settings.Destinations.FirstOrDefault(d => d.Id == destinationId), enquiry.Languages, messages, cancellationToken);
        if (translated is not null)
        {
            messages = translated.Value;
            if (translated.Info is { Failed: true })
            {
                await RecordTranslationFailureAsync(channel, enquiry, outboundId, translated.Note!, cancellationToken);
            }
        }

        var queued = Outbound(enquiry).ToQueueMessage();
        if (queued.Body.Length > OutboundRequest.MaxQueueBodyBytes)
        {
            throw DomainException.Invalid("messages", $"the reply takes {queued.Body.Length:N0} bytes; at most {OutboundRequest.MaxQueueBodyBytes:N0} fit in one queue message: send it in parts");
        }

        var updated = await Transition(enquiry, e =>
        {
            // Taking up a missed enquiry brings the events kept for it (the reply's cause carries them out below).
            var t = context.Lifecycle.StaffReplied(e.Enquiry, staff.Id!, destinationId);
            return e with
            {
                Enquiry = t.Enquiry,
                StaffName = name,
                Pending = t.Effects.Count > 0 ? new PendingEffects(outboundId, t.Effects) : e.Pending,
                TransformerStorage = storage,
            };
        }, cancellationToken);

        if (updated.Pending?.Cause == outboundId)
        {
            var run = await effects.RunAsync(context, updated, new EffectCause(outboundId, "reply"), [], cancellationToken);
            updated = await effects.FinishAsync(run, outboundId, null, cancellationToken);
        }

        // The reply token as the enquiry holds it now (the size was checked with the one read before: tokens are short).
        await queue.SendAsync(QueueNames.Outbound, [Outbound(updated).ToQueueMessage()], cancellationToken);
        return new ReplyAccepted(outboundId, EnquiryResource.Of(updated), sender.Value, string.Join(" ", new[] { sender.Note, transformed.Note, translated?.Note }.OfType<string>()) is { Length: > 0 } note ? note : null)
        {
            Translation = translated?.Info,
        };

        OutboundRequest Outbound(StoredEnquiry to)
        {
            var builder = new OutboundRequestBuilder(outboundId, channel.Id, to.Enquiry.SourceId)
                .ForEnquiry(to.Id)
                .ReportTo(destinationId);
            if (sender.Value is { } senderName)
            {
                builder.From(senderName);
            }

            if (to.LatestReply is { } reply)
            {
                builder.ReplyWith(reply.Token, reply.WebhookReceivedAt);
            }

            foreach (var message in messages.EnumerateArray())
            {
                builder.AddMessage(message);
            }

            return builder.Build();
        }
    }

    /// <summary>Records a reply that goes untranslated with the enquiry's events (type <c>reply</c>, outcome <c>translation-failed</c>), as the channel's logs may say it.</summary>
    private Task<bool> RecordTranslationFailureAsync(Channel channel, StoredEnquiry enquiry, string outboundId, string note, CancellationToken cancellationToken) =>
        enquiries.RecordAsync(
            new ProcessedCause(channel.Id, TranslationFailureCause(outboundId), enquiry.Id, "reply", TranslationFailed, EnquiryEntities.TableText(sensitive.For(channel, note)), clock.GetUtcNow()),
            enquiry.Enquiry.SourceId,
            once: false,
            cancellationToken);

    /// <summary>Closes the enquiry and sends the channel's close message. Closing a closed enquiry finishes what its close left undone and changes nothing else.</summary>
    public async Task<EnquiryResource> CloseAsync(EnquiryAccess access, CloseRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(request);
        var (channel, enquiry, _) = access;
        if (request.StaffMemberId is { } staffId && !StaffMemberId.IsValid(staffId))
        {
            throw DomainException.Invalid("staffMemberId", StaffMemberId.Rule);
        }

        var context = new EnquiryChannel(channel, presence, options, clock);
        var by = request.StaffMemberId is null ? EnquiryCloser.Destination : EnquiryCloser.Staff;
        if (enquiry.Enquiry.State != EnquiryState.Closed)
        {
            enquiry = await enquiries.UpdateAsync(enquiry, e =>
            {
                if (e.Enquiry.State == EnquiryState.Closed)
                {
                    return null;
                }

                var closing = e.Enquiry with { StaffMemberId = request.StaffMemberId ?? e.Enquiry.StaffMemberId };
                var t = context.Lifecycle.Close(closing, by);
                return new EnquiryWrite(e with { Enquiry = t.Enquiry, Pending = new PendingEffects(CloseCause, t.Effects) });
            }, cancellationToken) ?? throw NotFound(enquiry.Id);
        }

        if (enquiry.Pending?.Cause == CloseCause)
        {
            var run = await effects.RunAsync(context, enquiry, new EffectCause(CloseCause, "close"), [], cancellationToken);
            enquiry = await effects.FinishAsync(run, CloseCause, null, cancellationToken);
        }

        return EnquiryResource.Of(enquiry);
    }

    /// <summary>Who is calling a channel's route (notify): the bearer must be the secret of one of its destinations (401 otherwise, whether or not the channel exists).</summary>
    public async Task<ChannelAccess> AuthorizeChannelAsync(string channelId, string? bearer, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(bearer))
        {
            throw new DomainException(DomainError.Unauthorized, "Send the destination's secret as 'Authorization: Bearer {secret}'.");
        }

        var channel = ChannelId.IsValid(channelId) ? (await channels.GetAsync(channelId, cancellationToken))?.Channel : null;
        var destinationId = channel is null || channel.Status == ChannelStatus.Deleted
            ? null
            : await IdentifyAsync(channel, bearer, refresh: false, cancellationToken) ?? await IdentifyAsync(channel, bearer, refresh: true, cancellationToken);
        return destinationId is null
            ? throw new DomainException(DomainError.Unauthorized, $"The bearer is not the secret of any destination of channel '{Shown(channelId)}'.")
            : new ChannelAccess(channel!, destinationId);
    }

    /// <summary>The enquiry for the admin API (function key): 404 when there is none. Moves it makes are recorded as by <see cref="EnquiryMove.Operator"/>.</summary>
    public async Task<EnquiryAccess> EnquiryForOperatorAsync(string enquiryId, CancellationToken cancellationToken)
    {
        if (!EnquiryIds.TryParse(enquiryId, out var channelId))
        {
            throw NotFound(enquiryId);
        }

        var channel = await ActiveOrSuspendedAsync(channelId, cancellationToken);
        var enquiry = await enquiries.GetAsync(enquiryId, cancellationToken) ?? throw NotFound(enquiryId);
        return new EnquiryAccess(channel, enquiry, enquiry.Enquiry.DestinationId ?? EnquiryMove.Operator) { ByOperator = true };
    }

    /// <summary>The channel for the admin API (function key): 404 when there is none.</summary>
    public async Task<ChannelAccess> ChannelForOperatorAsync(string channelId, CancellationToken cancellationToken) =>
        new(await ActiveOrSuspendedAsync(channelId, cancellationToken), null);

    /// <summary>
    /// Sends 1 to 5 messages to a LINE user, group or room, or to up to 500 users at once, with or without an
    /// open enquiry (Cognigy's Notify): the one path of a notification, checked here and queued for LINE, where the
    /// outbound policy judges it and it is pushed with a retry key stable for this request (a multicast for more than
    /// one user). Pushes count against the channel's monthly quota. The result goes to the caller's destination as a
    /// <c>delivery</c> message. With an open enquiry for that source, the message is recorded on it.
    /// </summary>
    /// <param name="idempotencyKey">The same key on a retried call gives the same outbound id (and retry keys), so LINE gets it once.</param>
    public async Task<NotifyAccepted> NotifyAsync(ChannelAccess access, NotifyRequest request, string? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(request);
        var channel = access.Channel;
        var (to, fields) = Notification.Check(request);
        fields.AddRange(IdempotencyKeyProblems(idempotencyKey));
        if (fields.Count > 0)
        {
            throw DomainException.Invalid(fields, "The notification is not valid");
        }

        if (channel.Status != ChannelStatus.Active)
        {
            throw new DomainException(DomainError.Conflict, $"Channel '{channel.Id}' is {ChannelTexts.Status.Format(channel.Status)}: it sends nothing.", title: "The channel is not active");
        }

        var outboundId = idempotencyKey is null ? $"notify-{Guid.NewGuid():N}" : $"notify-{Hash(channel.Id + "\n" + (access.DestinationId ?? EnquiryMove.Operator) + "\n" + idempotencyKey)}";

        // A notification belongs to no enquiry: handleNotify starts from an empty storage object, and nothing it stores is kept.
        var transformed = TransformerStage.Apply(
            channel.Settings.Transformers,
            TransformerHookKind.Notify,
            JsonSerializer.SerializeToElement(request, EnquiryApiJsonContext.Default.NotifyRequest),
            new TransformerContext(channel.Id, null, null));
        if (transformed.Value is not { } value)
        {
            return new NotifyAccepted(outboundId, 0, null) { Dropped = true, Note = transformed.Note };
        }

        request = value.Deserialize(EnquiryApiJsonContext.Default.NotifyRequest)!;
        (to, fields) = Notification.Check(request);
        if (fields.Count > 0)
        {
            throw new DomainException(DomainError.Unprocessable,
                $"The channel's handleNotify transformer returned a notification that cannot be sent: {string.Join("; ", fields)}.", title: "The transformer's notification cannot be sent");
        }

        var builder = new OutboundRequestBuilder(outboundId, channel.Id, to[0]);
        string? enquiryId = null;
        if (to.Count > 1)
        {
            builder.MulticastTo(to);
        }
        else if (await enquiries.GetSourceAsync(channel.Id, to[0], cancellationToken) is { CurrentEnquiryId: { } current }
            && await enquiries.GetAsync(current, to[0], cancellationToken) is { Enquiry.State: not EnquiryState.Closed } open)
        {
            enquiryId = open.Id;
            builder.ForEnquiry(enquiryId);
        }

        if (access.DestinationId is { } destinationId)
        {
            builder.ReportTo(destinationId);
        }

        foreach (var message in request.Messages.EnumerateArray())
        {
            builder.AddMessage(message);
        }

        var queued = builder.Build().ToQueueMessage();
        if (queued.Body.Length > OutboundRequest.MaxQueueBodyBytes)
        {
            throw DomainException.Invalid("messages", $"the notification takes {queued.Body.Length:N0} bytes; at most {OutboundRequest.MaxQueueBodyBytes:N0} fit in one queue message");
        }

        await queue.SendAsync(QueueNames.Outbound, [queued], cancellationToken);
        return new NotifyAccepted(outboundId, to.Count, enquiryId) { Note = transformed.Note };
    }

    /// <summary>
    /// Puts a synthetic user input into the enquiry's conversation (Cognigy's Inject): the one path of an
    /// injected input, checked here and queued as an event of the enquiry's source marked <c>"injected": true</c>
    /// in the conversation's session, so that it reaches the enquiry's destination in order with the user's own
    /// events. A closed enquiry is 409 (the user's next message opens a new one).
    /// </summary>
    /// <param name="idempotencyKey">The same key on a retried call gives the same event id, so the input goes in once.</param>
    public async Task<InjectAccepted> InjectAsync(EnquiryAccess access, InjectRequest input, string? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(input);
        var fields = InjectedInput.Check(input).ToList();
        fields.AddRange(IdempotencyKeyProblems(idempotencyKey));
        if (fields.Count > 0)
        {
            throw DomainException.Invalid(fields, "The injected input is not valid");
        }

        var enquiry = access.Enquiry;
        if (enquiry.Enquiry.State == EnquiryState.Closed)
        {
            throw new DomainException(DomainError.Conflict, $"Enquiry {enquiry.Id} is closed; nothing can be injected into it.", title: "Not allowed in the enquiry's state");
        }

        var eventId = idempotencyKey is null ? $"inject-{Guid.NewGuid():N}" : $"inject-{Hash(enquiry.Id + "\n" + idempotencyKey)}";
        var channel = access.Channel;
        var transformed = TransformerStage.Apply(
            channel.Settings.Transformers,
            TransformerHookKind.Inject,
            JsonSerializer.SerializeToElement(input, EnquiryApiJsonContext.Default.InjectRequest),
            new TransformerContext(channel.Id, enquiry.Id, enquiry.TransformerStorage));
        var storage = channel.Settings.DataProtection.Kept(transformed.Storage);
        if (storage != enquiry.TransformerStorage)
        {
            await enquiries.UpdateAsync(enquiry, e => e.TransformerStorage == storage ? null : new EnquiryWrite(e with { TransformerStorage = storage }), cancellationToken);
        }

        if (transformed.Value is not { } value)
        {
            return new InjectAccepted(eventId, enquiry.Id) { Dropped = true, Note = transformed.Note };
        }

        var injected = value.Deserialize(EnquiryApiJsonContext.Default.InjectRequest)!;
        if (InjectedInput.Check(injected) is { Count: > 0 } problems)
        {
            throw new DomainException(DomainError.Unprocessable,
                $"The channel's handleInject transformer returned an input that cannot be injected: {string.Join("; ", problems)}.", title: "The transformer's input cannot be injected");
        }

        await queue.SendAsync(QueueNames.Inbound, [InjectedInput.Message(enquiry, access.Channel.BotUserId, injected, eventId, clock.GetUtcNow())], cancellationToken);
        return new InjectAccepted(eventId, enquiry.Id) { Note = transformed.Note };
    }

    /// <summary>
    /// Moves the enquiry between bot and staff (<see cref="EnquiryLifecycle.HandOver"/>, <see cref="EnquiryLifecycle.Transfer"/>,
    /// <see cref="EnquiryLifecycle.HandBack"/>) and carries out what the move sends: the message to the user, the
    /// handover with the recent history, the notices. A move its state does not allow is 409, with the reason.
    /// </summary>
    public async Task<MoveResult> MoveAsync(EnquiryAccess access, MoveKind kind, EnquiryMoveRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(request);
        var (channel, enquiry, destinationId) = access;
        ValidMove(channel, kind, request);
        var context = new EnquiryChannel(channel, presence, options, clock);
        var why = new MoveRequest(access.ByOperator ? EnquiryMove.Operator : destinationId, request.StaffMemberId, request.Reason, request.Note);
        DestinationChoice? choice = null;
        if (kind != MoveKind.Handback)
        {
            var rule = request.To is { } to
                ? new RoutingRule { Kind = RoutingKind.Alternative, Targets = [new RoutingTarget(to)] }
                : channel.Settings.Handover.RuleOver(channel.Settings.Destinations);
            var failed = kind == MoveKind.Transfer && enquiry.Enquiry.DestinationId is { } holder ? new HashSet<string> { holder } : new HashSet<string>();
            choice = await context.RouteToStaffAsync(rule, enquiry.Id, await LastStaffServiceAsync(context, enquiry, cancellationToken), failed, cancellationToken);
        }

        var cause = "";
        EnquiryTransition? transition = null;
        var updated = await Transition(enquiry, e =>
        {
            cause = $"move-{e.Enquiry.NextMove}";
            transition = kind switch
            {
                MoveKind.Handover => context.Lifecycle.HandOver(e.Enquiry, choice!, why),
                MoveKind.Transfer => context.Lifecycle.Transfer(e.Enquiry, choice!, why),
                _ => context.Lifecycle.HandBack(e.Enquiry, HandBackTo(context, request, e.Enquiry), why),
            };
            return e with { Enquiry = transition.Enquiry, Pending = transition.Effects.Count > 0 ? new PendingEffects(cause, transition.Effects) : e.Pending };
        }, cancellationToken);

        var notes = new List<string>(transition!.Explanation);
        if (updated.Pending?.Cause == cause)
        {
            var run = await effects.RunAsync(context, updated, new EffectCause(cause, MoveTexts.Kind.Format(kind)), notes, cancellationToken);
            updated = await effects.FinishAsync(run, cause, null, cancellationToken);
        }

        var moved = updated.Enquiry.Moves.LastOrDefault() is { } last && $"move-{last.Number}" == cause ? last : null;
        var outcome = moved switch
        {
            null => "stays-with-bot",
            { To: null } => "waiting-for-staff",
            { Kind: MoveKind.Handover } => "handed-over",
            { Kind: MoveKind.Transfer } => "transferred",
            _ => "handed-back",
        };
        return new MoveResult(outcome, EnquiryResource.Of(updated), notes);
    }

    /// <summary>The bot named (checked by <see cref="ValidMove"/>), else the one that last handed the enquiry to staff, if it is still a bot of the channel.</summary>
    private static string HandBackTo(EnquiryChannel channel, EnquiryMoveRequest request, Enquiry enquiry)
    {
        if (request.To is { } to)
        {
            return to;
        }

        return enquiry.Moves.LastOrDefault(m => m.Kind == MoveKind.Handover)?.From is { } bot && channel.Destination(bot)?.Kind == DestinationKind.Bot
            ? bot
            : throw DomainException.Invalid("to", "required: the bot to hand the enquiry back to (no bot of the channel handed it over)");
    }

    /// <summary>
    /// Who of the staff served the source last, for a sticky handover rule: the source's last service when it
    /// was by staff, or the staff member who last handed this enquiry back, whichever is later.
    /// </summary>
    private async Task<LastService?> LastStaffServiceAsync(EnquiryChannel channel, StoredEnquiry enquiry, CancellationToken cancellationToken)
    {
        var source = await enquiries.GetSourceAsync(channel.Id, enquiry.Enquiry.SourceId, cancellationToken);
        var handedBack = enquiry.Enquiry.Moves.LastOrDefault(m => m.Kind == MoveKind.Handback) is { From: { } from } back ? new LastService(from, back.StaffMemberId, back.At) : null;
        return new[] { source?.LastService, handedBack }
            .OfType<LastService>()
            .Where(l => channel.Destination(l.DestinationId)?.Kind == DestinationKind.Staff)
            .MaxBy(l => l.ServedAt);
    }

    private static void ValidMove(Channel channel, MoveKind kind, EnquiryMoveRequest request)
    {
        var fields = new List<FieldError>();
        if (request.To is { } to)
        {
            var wanted = kind == MoveKind.Handback ? DestinationKind.Bot : DestinationKind.Staff;
            if (channel.Settings.Destinations.FirstOrDefault(d => d.Id == to) is not { } destination)
            {
                fields.Add(new("to", $"'{Shown(to)}' is not one of the channel's destinations"));
            }
            else if (destination.Kind != wanted)
            {
                fields.Add(new("to", $"'{to}' is a {ChannelTexts.DestinationKind.Format(destination.Kind)} destination; a {MoveTexts.Kind.Format(kind)} goes to a {ChannelTexts.DestinationKind.Format(wanted)} destination"));
            }
        }

        if (request.StaffMemberId is { } staff && !StaffMemberId.IsValid(staff))
        {
            fields.Add(new("staffMemberId", StaffMemberId.Rule));
        }

        if (request.Reason is { Length: > EnquiryMove.MaxReasonLength })
        {
            fields.Add(new("reason", $"at most {EnquiryMove.MaxReasonLength} characters"));
        }

        if (request.Note is { Length: > EnquiryMove.MaxNoteLength })
        {
            fields.Add(new("note", $"at most {EnquiryMove.MaxNoteLength:N0} characters"));
        }

        if (fields.Count > 0)
        {
            throw DomainException.Invalid(fields, $"The {MoveTexts.Kind.Format(kind)} is not valid");
        }
    }

    /// <summary>Sets a destination's and its staff members' presence (admin API).</summary>
    public async Task<PresenceResource> SetPresenceAsync(string channelId, string destinationId, PresenceRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var channel = await ActiveOrSuspendedAsync(channelId, cancellationToken);
        if (channel.Settings.Destinations.All(d => d.Id != destinationId))
        {
            throw new DomainException(DomainError.NotFound, $"Channel '{channelId}' has no destination '{destinationId}'.");
        }

        var fields = new List<FieldError>();
        var staff = request.Staff ?? [];
        if (request.Available is null && staff.Count == 0)
        {
            fields.Add(new("available", "required unless staff is given: true or false"));
        }

        for (var i = 0; i < staff.Count; i++)
        {
            if (staff[i] is not { } member)
            {
                fields.Add(new($"staff[{i}]", "required: {\"id\", \"available\"}"));
                continue;
            }

            if (!StaffMemberId.IsValid(member.Id))
            {
                fields.Add(new($"staff[{i}].id", StaffMemberId.Rule));
            }

            if (member.Available is null)
            {
                fields.Add(new($"staff[{i}].available", "required: true or false"));
            }
        }

        if (fields.Count > 0)
        {
            throw DomainException.Invalid(fields, "The presence is not valid");
        }

        await presence.SetAsync(channelId, new PresenceUpdate(destinationId, request.Available, staff.Select(s => new StaffPresence(s.Id!, s.Available!.Value)).ToList()), cancellationToken);
        var now = (await presence.GetAsync(channelId, cancellationToken)).GetValueOrDefault(destinationId) ?? DestinationPresence.Default(destinationId);
        var offered = channel.Status == ChannelStatus.Active && (request.Available == true || staff.Any(s => s.Available == true))
            ? await OfferMissedAsync(channelId, cancellationToken)
            : 0;
        return new PresenceResource(channelId, destinationId, now.Present, now.AvailableStaff.Order(StringComparer.Ordinal).ToList(), offered);
    }

    /// <summary>The channel's enquiries in a state (<c>open</c>, <c>ongoing</c>, <c>missed</c> or <c>closed</c>), oldest first.</summary>
    public async Task<EnquiryListResource> ListAsync(string channelId, string? state, CancellationToken cancellationToken)
    {
        if (!EnquiryTexts.State.TryParse(state, out var wanted))
        {
            throw DomainException.Invalid("state", $"required: {EnquiryTexts.State.Choices}");
        }

        await ActiveOrSuspendedAsync(channelId, cancellationToken);
        var listed = new List<EnquiryResource>();
        await foreach (var enquiry in enquiries.ListAsync(channelId, wanted, cancellationToken))
        {
            listed.Add(EnquiryResource.Of(enquiry));
        }

        return new EnquiryListResource(channelId, EnquiryTexts.State.Format(wanted), listed.OrderBy(e => e.OpenedAt).ThenBy(e => e.Id, StringComparer.Ordinal).ToList());
    }

    /// <summary>
    /// Offers the channel's missed enquiries that have no destination to the routing rule again, now: a
    /// missed check for each goes into its conversation's session, in order with the user's events.
    /// </summary>
    private async Task<int> OfferMissedAsync(string channelId, CancellationToken cancellationToken)
    {
        var due = clock.GetUtcNow();
        var checks = new List<QueueMessage>();
        await foreach (var missed in enquiries.ListAsync(channelId, EnquiryState.Missed, cancellationToken))
        {
            if (missed.Enquiry.DestinationId is null)
            {
                checks.Add(new EnquiryCheck { Check = EnquiryCheck.Missed, ChannelId = channelId, EnquiryId = missed.Id, SourceId = missed.Enquiry.SourceId, Due = due }.ToQueueMessage());
            }
        }

        foreach (var batch in checks.Chunk(QueueBatch))
        {
            await queue.SendAsync(QueueNames.Inbound, batch, cancellationToken);
        }

        return checks.Count;
    }

    /// <summary>Which destination a message from <paramref name="sourceId"/> at <paramref name="at"/> would reach, and why. Sends nothing.</summary>
    public async Task<WhatIfResource> WhatIfAsync(string channelId, string sourceId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(sourceId))
        {
            throw DomainException.Invalid("user", "required: the LINE user, group or room id");
        }

        var channel = await ActiveOrSuspendedAsync(channelId, cancellationToken);
        var source = await enquiries.GetSourceAsync(channelId, sourceId, cancellationToken);
        var current = source?.CurrentEnquiryId is { } id ? await enquiries.GetAsync(id, sourceId, cancellationToken) : null;
        var last = current?.Enquiry.AsLastService() is { } served && (source?.LastService is not { } earlier || served.ServedAt >= earlier.ServedAt)
            ? served
            : source?.LastService;
        var answer = WhatIf.Answer(new WhatIfQuestion
        {
            Channel = channel.Settings,
            Presence = await presence.GetAsync(channelId, cancellationToken),
            SourceId = sourceId,
            At = at,
            CurrentEnquiry = current?.Enquiry,
            LastService = last,
        });
        var explanation = channel.Status == ChannelStatus.Suspended
            ? answer.Explanation.Prepend($"Channel '{channelId}' is suspended: today its events open no enquiry. Once resumed:").ToList()
            : answer.Explanation;
        return new WhatIfResource(
            channelId, sourceId, at, answer.DestinationId, answer.StaffMemberId, answer.Shares, answer.OpensEnquiry, current?.Id,
            answer.AutoMessages.Select(EffectText.Kind).ToList(), explanation);
    }

    /// <summary>
    /// Which of the channel's destinations has <paramref name="bearer"/> as its secret, compared in constant
    /// time. With <paramref name="refresh"/> the secrets are read again (one may have been rotated), at most
    /// once per destination per interval (<see cref="RefreshLimitedDestinationSecrets"/>).
    /// </summary>
    private async Task<string?> IdentifyAsync(Channel channel, string bearer, bool refresh, CancellationToken cancellationToken)
    {
        var given = Encoding.UTF8.GetBytes(bearer);
        foreach (var destination in channel.Settings.Destinations)
        {
            string secret;
            try
            {
                secret = await secrets.GetAsync(channel.Id, destination.Id, refresh, cancellationToken);
            }
            catch (DomainException e) when (e.Error == DomainError.Misconfigured)
            {
                // A destination without a secret cannot authenticate.
                continue;
            }

            if (CryptographicOperations.FixedTimeEquals(given, Encoding.UTF8.GetBytes(secret)))
            {
                return destination.Id;
            }
        }

        return null;
    }

    private async Task<StoredEnquiry> Transition(StoredEnquiry enquiry, Func<StoredEnquiry, StoredEnquiry> change, CancellationToken cancellationToken)
    {
        try
        {
            return await enquiries.UpdateAsync(enquiry, e => new EnquiryWrite(change(e)), cancellationToken) ?? throw NotFound(enquiry.Id);
        }
        catch (EnquiryTransitionException e)
        {
            throw new DomainException(DomainError.Conflict, e.Message, title: "Not allowed in the enquiry's state");
        }
    }

    private async Task<Channel> ActiveOrSuspendedAsync(string channelId, CancellationToken cancellationToken)
    {
        var channel = (await channels.GetAsync(channelId, cancellationToken))?.Channel;
        return channel is null || channel.Status == ChannelStatus.Deleted
            ? throw new DomainException(DomainError.NotFound, $"There is no channel '{channelId}'.")
            : channel;
    }

    private static StaffMember ValidReply(StaffReplyRequest request, string? idempotencyKey)
    {
        var fields = new List<FieldError>();
        if (request.Staff is not { } staff)
        {
            fields.Add(new("staff", "required: {\"id\", \"firstName\", \"lastName\"}"));
        }
        else
        {
            if (!StaffMemberId.IsValid(staff.Id))
            {
                fields.Add(new("staff.id", StaffMemberId.Rule));
            }

            if (staff.LastName is { Length: > 0 } && string.IsNullOrWhiteSpace(staff.FirstName))
            {
                fields.Add(new("staff.firstName", "required with a last name"));
            }
        }

        fields.AddRange(MessageListProblems(request.Messages, MaxMessagesPerReply, $"1 to {MaxMessagesPerReply} LINE message objects, sent in order {MessageLimits.MaxMessagesPerRequest} per LINE request, e.g. [{{\"type\":\"text\",\"text\":\"Hello\"}}]"));

        fields.AddRange(IdempotencyKeyProblems(idempotencyKey));
        return fields.Count > 0 ? throw DomainException.Invalid(fields, "The reply is not valid") : request.Staff!;
    }

    /// <summary>
    /// What is wrong with a destination's list of LINE message objects: not 1 to <paramref name="max"/> of them
    /// (<paramref name="expected"/> says what is), or an item that is no object with a "type". The outbound
    /// policy judges each message on delivery.
    /// </summary>
    internal static IEnumerable<FieldError> MessageListProblems(JsonElement messages, int max, string expected)
    {
        if (messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() is 0 || messages.GetArrayLength() > max)
        {
            yield return new("messages", expected);
            yield break;
        }

        var i = 0;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                yield return new($"messages[{i}]", "a LINE message object with a \"type\"");
            }

            i++;
        }
    }

    internal static IEnumerable<FieldError> IdempotencyKeyProblems(string? idempotencyKey)
    {
        if (idempotencyKey is { } key && (key.Length is 0 or > 200 || key.Any(char.IsControl)))
        {
            yield return new("Idempotency-Key", "1 to 200 characters without control characters");
        }
    }

    private static DomainException NotFound(string enquiryId) => new(DomainError.NotFound, $"There is no enquiry '{Shown(enquiryId)}'.");

    /// <summary>A caller's id as quoted in an error: printable and short.</summary>
    private static string Shown(string id) =>
        id.Length <= InboundContent.MaxMessageIdLength && !id.Any(char.IsControl) ? id : "(not shown: too long or with control characters)";

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
}
