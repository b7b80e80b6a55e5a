using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LineConnector.Core.Channels;
using LineConnector.Core.Destinations;
using LineConnector.Core.Line;
using LineConnector.Core.Line.Api;
using LineConnector.Core.Outbound;
using LineConnector.Core.Queueing;
using LineConnector.Core.Routing;

namespace LineConnector.Core.Enquiries;

public enum EnquiryApiFailure
{
    /// <summary>400: the request names what is wrong, field by field.</summary>
    Invalid,

    /// <summary>401: no bearer, or not the secret of any of the channel's destinations.</summary>
    Unauthorized,

    /// <summary>403: a destination acting on another destination's enquiry.</summary>
    Forbidden,

    /// <summary>404: no such enquiry, channel or destination.</summary>
    NotFound,

    /// <summary>409: the enquiry's state does not allow it (a reply to a closed enquiry).</summary>
    Conflict,
}

/// <summary>A refused enquiry API call; <see cref="Fields"/> names each invalid field. Never holds a secret.</summary>
public sealed class EnquiryApiException(EnquiryApiFailure failure, string message, IReadOnlyDictionary<string, string[]>? fields = null) : Exception(message)
{
    public EnquiryApiFailure Failure { get; } = failure;

    public IReadOnlyDictionary<string, string[]> Fields { get; } = fields ?? new Dictionary<string, string[]>();
}

/// <summary>
/// The enquiry API for destinations (reply, close, read) and its admin side (presence, what-if).
/// A destination authenticates with its secret as a bearer token: the enquiry's destination may act on
/// it; while it has none, any destination of its channel may. Store and queue failures throw.
/// </summary>
public sealed class EnquiryService(
    EnquiryStore enquiries,
    ChannelCache channels,
    PresenceStore presence,
    EnquiryEffects effects,
    IQueueSender queue,
    IDestinationSecrets secrets,
    LineApiClient line,
    EnquiryOptions options,
    TimeProvider clock)
{
    /// <summary>The cause of a close's effects (the close message): one per enquiry, so a retried close finishes them.</summary>
    public const string CloseCause = "close";

    /// <summary>
    /// LINE message objects in one reply through the API (five LINE requests). More than <see cref="MessageLimits.MaxMessagesPerRequest"/>
    /// go to LINE in order over several requests (DESIGN §5); a reply is one <c>line-outbound</c> message,
    /// and this many keeps an ordinary reply far below Service Bus's 256 KB per message.
    /// </summary>
    public const int MaxMessagesPerReply = 25;

    /// <summary>How many messages one send to a queue carries.</summary>
    private const int QueueBatch = 100;

    public async Task<EnquiryResource> GetAsync(string enquiryId, string? bearer, CancellationToken cancellationToken)
    {
        var (_, enquiry, _) = await AuthorizeAsync(enquiryId, bearer, cancellationToken);
        return EnquiryResource.Of(enquiry);
    }

    /// <summary>
    /// The bytes of a user's image, video, audio or file that went to this enquiry, from LINE's content API
    /// with the channel token (which the destination never sees). LINE converts video and audio first: until
    /// it reports them ready, <see cref="ContentAnswer.Preparing"/>.
    /// </summary>
    public async Task<ContentAnswer> FetchContentAsync(string enquiryId, string messageId, string? bearer, CancellationToken cancellationToken)
    {
        var content = await GetContentAsync(enquiryId, messageId, bearer, cancellationToken);
        try
        {
            if (content.NeedsTranscoding)
            {
                switch (await line.GetTranscodingStatusAsync(content.ChannelId, content.MessageId, cancellationToken))
                {
                    case TranscodingStatus.Processing:
                        return new ContentAnswer.Preparing();
                    case TranscodingStatus.Failed:
                        return new ContentAnswer.Unusable($"LINE could not prepare the {content.Kind} of message {content.MessageId}; it cannot be fetched.");
                }
            }

            var fetched = await line.GetMessageContentAsync(content.ChannelId, content.MessageId, cancellationToken);
            if (fetched.IsReady)
            {
                return new ContentAnswer.Ready(fetched);
            }

            fetched.Dispose();
            return new ContentAnswer.Preparing();
        }
        catch (LineApiException e) when (e.Status is 404 or 410)
        {
            return new ContentAnswer.Gone($"LINE no longer keeps the content of message {content.MessageId} (it keeps what users send for a limited time).", e);
        }
        catch (LineApiException e)
        {
            return new ContentAnswer.LineFailed(e);
        }
    }

    /// <summary>
    /// A user's image, video, audio or file that was forwarded with this enquiry. Any other message id
    /// (another enquiry's included) is not found, so a destination learns nothing of other enquiries.
    /// </summary>
    private async Task<InboundContent> GetContentAsync(string enquiryId, string messageId, string? bearer, CancellationToken cancellationToken)
    {
        var (channel, enquiry, _) = await AuthorizeAsync(enquiryId, bearer, cancellationToken);
        var content = InboundContent.IsMessageId(messageId) ? await enquiries.GetContentAsync(enquiry, messageId, cancellationToken) : null;
        return content is not null && content.EnquiryId == enquiry.Id
            ? content
            : throw new EnquiryApiException(EnquiryApiFailure.NotFound, $"Enquiry {enquiry.Id} has no image, video, audio or file with message id '{Shown(messageId)}'.");
    }

    /// <summary>Queues a staff member's reply for LINE (<see cref="EnquiryLifecycle.StaffReplied"/>: the enquiry becomes ongoing).</summary>
    /// <param name="idempotencyKey">The same key on a retried call gives the same outbound id, so LINE gets the reply once.</param>
    public async Task<ReplyAccepted> ReplyAsync(string enquiryId, string? bearer, StaffReplyRequest request, string? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (channel, enquiry, destinationId) = await AuthorizeAsync(enquiryId, bearer, cancellationToken);
        var staff = ValidReply(request, idempotencyKey);

        var context = new EnquiryChannel(channel, presence, options, clock);
        var name = staff.FirstName is { Length: > 0 } first ? new StaffName(first, staff.LastName) : null;
        var outboundId = idempotencyKey is null ? $"reply-{Guid.NewGuid():N}" : $"reply-{Hash(enquiry.Id + "\n" + idempotencyKey)}";
        var updated = await Transition(enquiry, e =>
        {
            // Taking up a missed enquiry brings the events kept for it (the reply's cause carries them out below).
            var t = context.Lifecycle.StaffReplied(e.Enquiry, staff.Id!, destinationId);
            return e with
            {
                Enquiry = t.Enquiry,
                StaffName = name,
                Pending = t.Effects.Count > 0 ? new PendingEffects(outboundId, t.Effects) : e.Pending,
            };
        }, cancellationToken);

        if (updated.Pending?.Cause == outboundId)
        {
            var run = await effects.RunAsync(context, updated, new EffectCause(outboundId, "reply"), [], cancellationToken);
            updated = await effects.FinishAsync(run, outboundId, null, cancellationToken);
        }

        var sender = StaffDisplayName.ForSender(channel.Settings.StaffNameFormat, name);
        var builder = new OutboundRequestBuilder(outboundId, channel.Id, updated.Enquiry.SourceId)
            .ForEnquiry(updated.Id)
            .ReportTo(updated.Enquiry.DestinationId!);
        if (sender.Value is { } senderName)
        {
            builder.From(senderName);
        }

        if (updated.LatestReply is { } reply)
        {
            builder.ReplyWith(reply.Token, reply.WebhookReceivedAt);
        }

        foreach (var message in request.Messages.EnumerateArray())
        {
            builder.AddMessage(message);
        }

        await queue.SendAsync(QueueNames.Outbound, [builder.Build().ToQueueMessage()], cancellationToken);
        return new ReplyAccepted(outboundId, EnquiryResource.Of(updated), sender.Value, sender.Note);
    }

    /// <summary>Closes the enquiry and sends the channel's close message. Closing a closed enquiry finishes what its close left undone and changes nothing else.</summary>
    public async Task<EnquiryResource> CloseAsync(string enquiryId, string? bearer, CloseRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (channel, enquiry, _) = await AuthorizeAsync(enquiryId, bearer, cancellationToken);
        if (request.StaffMemberId is { } staffId && !StaffMemberId.IsValid(staffId))
        {
            throw Invalid("staffMemberId", StaffMemberId.Rule);
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

    /// <summary>Sets a destination's and its staff members' presence (admin API).</summary>
    public async Task<PresenceResource> SetPresenceAsync(string channelId, string destinationId, PresenceRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var channel = await ActiveOrSuspendedAsync(channelId, cancellationToken);
        if (channel.Settings.Destinations.All(d => d.Id != destinationId))
        {
            throw new EnquiryApiException(EnquiryApiFailure.NotFound, $"Channel '{channelId}' has no destination '{destinationId}'.");
        }

        var fields = new Dictionary<string, string[]>();
        var staff = request.Staff ?? [];
        if (request.Available is null && staff.Count == 0)
        {
            fields["available"] = ["required unless staff is given: true or false"];
        }

        for (var i = 0; i < staff.Count; i++)
        {
            if (staff[i] is not { } member)
            {
                fields[$"staff[{i}]"] = ["required: {\"id\", \"available\"}"];
                continue;
            }

            if (!StaffMemberId.IsValid(member.Id))
            {
                fields[$"staff[{i}].id"] = [StaffMemberId.Rule];
            }

            if (member.Available is null)
            {
                fields[$"staff[{i}].available"] = ["required: true or false"];
            }
        }

        if (fields.Count > 0)
        {
            throw new EnquiryApiException(EnquiryApiFailure.Invalid, "The presence is not valid.", fields);
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
            throw Invalid("state", $"required: {EnquiryTexts.State.Choices}");
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
            throw Invalid("user", "required: the LINE user, group or room id");
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

    /// <summary>The enquiry, its channel, and the destination the bearer is the secret of.</summary>
    private async Task<(Channel Channel, StoredEnquiry Enquiry, string DestinationId)> AuthorizeAsync(string enquiryId, string? bearer, CancellationToken cancellationToken)
    {
        var enquiry = await enquiries.GetAsync(enquiryId, cancellationToken) ?? throw NotFound(enquiryId);
        var channel = (await channels.GetAsync(enquiry.ChannelId, cancellationToken))?.Channel;
        if (channel is null || channel.Status == ChannelStatus.Deleted)
        {
            throw NotFound(enquiryId);
        }

        if (string.IsNullOrEmpty(bearer))
        {
            throw new EnquiryApiException(EnquiryApiFailure.Unauthorized, "Send the destination's secret as 'Authorization: Bearer {secret}'.");
        }

        var destinationId = await IdentifyAsync(channel, enquiry.Enquiry.DestinationId, bearer, refresh: false, cancellationToken)
            ?? await IdentifyAsync(channel, enquiry.Enquiry.DestinationId, bearer, refresh: true, cancellationToken)
            ?? throw new EnquiryApiException(EnquiryApiFailure.Unauthorized, $"The bearer is not the secret of any destination of channel '{channel.Id}'.");
        if (enquiry.Enquiry.DestinationId is { } owner && owner != destinationId)
        {
            throw new EnquiryApiException(EnquiryApiFailure.Forbidden, $"Enquiry {enquiry.Id} is with {owner}, not {destinationId}.");
        }

        return (channel, enquiry, destinationId);
    }

    /// <summary>Which of the channel's destinations has <paramref name="bearer"/> as its secret, the enquiry's own first; compared in constant time.</summary>
    private async Task<string?> IdentifyAsync(Channel channel, string? first, string bearer, bool refresh, CancellationToken cancellationToken)
    {
        var given = Encoding.UTF8.GetBytes(bearer);
        foreach (var destination in channel.Settings.Destinations.OrderBy(d => d.Id == first ? 0 : 1))
        {
            string secret;
            try
            {
                secret = await secrets.GetAsync(channel.Id, destination.Id, refresh, cancellationToken);
            }
            catch (DestinationSecretMissingException)
            {
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
            throw new EnquiryApiException(EnquiryApiFailure.Conflict, e.Message);
        }
    }

    private async Task<Channel> ActiveOrSuspendedAsync(string channelId, CancellationToken cancellationToken)
    {
        var channel = (await channels.GetAsync(channelId, cancellationToken))?.Channel;
        return channel is null || channel.Status == ChannelStatus.Deleted
            ? throw new EnquiryApiException(EnquiryApiFailure.NotFound, $"There is no channel '{channelId}'.")
            : channel;
    }

    private static StaffMember ValidReply(StaffReplyRequest request, string? idempotencyKey)
    {
        var fields = new Dictionary<string, string[]>();
        if (request.Staff is not { } staff)
        {
            fields["staff"] = ["required: {\"id\", \"firstName\", \"lastName\"}"];
        }
        else
        {
            if (!StaffMemberId.IsValid(staff.Id))
            {
                fields["staff.id"] = [StaffMemberId.Rule];
            }

            if (staff.LastName is { Length: > 0 } && string.IsNullOrWhiteSpace(staff.FirstName))
            {
                fields["staff.firstName"] = ["required with a last name"];
            }
        }

        if (request.Messages.ValueKind != JsonValueKind.Array || request.Messages.GetArrayLength() is 0 or > MaxMessagesPerReply)
        {
            fields["messages"] = [$"1 to {MaxMessagesPerReply} LINE message objects, sent in order {MessageLimits.MaxMessagesPerRequest} per LINE request, e.g. [{{\"type\":\"text\",\"text\":\"Hello\"}}]"];
        }
        else
        {
            var i = 0;
            foreach (var message in request.Messages.EnumerateArray())
            {
                if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
                {
                    fields[$"messages[{i}]"] = ["a LINE message object with a \"type\""];
                }

                i++;
            }
        }

        if (idempotencyKey is { } key && (key.Length is 0 or > 200 || key.Any(char.IsControl)))
        {
            fields["Idempotency-Key"] = ["1 to 200 characters without control characters"];
        }

        return fields.Count > 0 ? throw new EnquiryApiException(EnquiryApiFailure.Invalid, "The reply is not valid.", fields) : request.Staff!;
    }

    private static EnquiryApiException Invalid(string field, string message) =>
        new(EnquiryApiFailure.Invalid, $"{field}: {message}", new Dictionary<string, string[]> { [field] = [message] });

    private static EnquiryApiException NotFound(string enquiryId) => new(EnquiryApiFailure.NotFound, $"There is no enquiry '{enquiryId}'.");

    /// <summary>A caller's id as quoted in an error: printable and short.</summary>
    private static string Shown(string id) =>
        id.Length <= InboundContent.MaxMessageIdLength && !id.Any(char.IsControl) ? id : "(not a message id)";

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
}
