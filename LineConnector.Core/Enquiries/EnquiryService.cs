using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LineConnector.Core.Channels;
using LineConnector.Core.Destinations;
using LineConnector.Core.Line.Api;
using LineConnector.Core.Outbound;
using LineConnector.Core.Queueing;

namespace LineConnector.Core.Enquiries;

/// <summary>A destination's proven hold on one enquiry: the enquiry, its channel, and the destination the bearer is the secret of.</summary>
public sealed record EnquiryAccess(Channel Channel, StoredEnquiry Enquiry, string DestinationId);

/// <summary>
/// The enquiry API for destinations (reply, close, read) and its admin side (presence, what-if).
/// A destination authenticates with its secret as a bearer token before anything is looked up
/// (<see cref="AuthorizeAsync"/>): the enquiry's destination may act on it; while it has none, any
/// destination of its channel may. Refusals are <see cref="DomainException"/>; store and queue failures throw.
/// </summary>
public sealed class EnquiryService(
    EnquiryStore enquiries,
    ChannelRepository channels,
    PresenceStore presence,
    EnquiryEffects effects,
    IQueueSender queue,
    IDestinationSecrets secrets,
    EnquiryOptions options,
    TimeProvider clock)
{
    /// <summary>The cause of a close's effects (the close message): one per enquiry, so a retried close finishes them.</summary>
    public const string CloseCause = "close";

    /// <summary>
    /// The most LINE message objects one reply may carry. They go to LINE in order, 5 per request
    /// (<see cref="LineApiClient.MaxMessagesPerRequest"/>): the first request on the reply token while it
    /// is fresh, the others pushed.
    /// </summary>
    public const int MaxMessagesPerReply = 50;

    /// <summary>
    /// Who is calling, before anything is looked up: no bearer is 401 at once; an id that cannot be an
    /// enquiry id is 404; otherwise the bearer must be the secret of a destination of the channel the id
    /// names (401 whether or not the channel or the enquiry exists). Then the enquiry: 404 when there is
    /// none, 403 when it is another destination's.
    /// </summary>
    public async Task<EnquiryAccess> AuthorizeAsync(string enquiryId, string? bearer, CancellationToken cancellationToken)
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

        return enquiry.Enquiry.DestinationId is { } owner && owner != destinationId
            ? throw new DomainException(DomainError.Forbidden, $"Enquiry {enquiry.Id} is with {owner}, not {destinationId}.", title: "Not this destination's enquiry")
            : new EnquiryAccess(channel, enquiry, destinationId);
    }

    /// <summary>
    /// A user's image, video, audio or file that was forwarded with this enquiry. Any other message id
    /// (another enquiry's included) is not found, so a destination learns nothing of other enquiries.
    /// </summary>
    public async Task<InboundContent> GetContentAsync(EnquiryAccess access, string messageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(access);
        var content = InboundContent.IsMessageId(messageId) ? await enquiries.GetContentAsync(access.Channel.Id, messageId, cancellationToken) : null;
        return content is not null && content.EnquiryId == access.Enquiry.Id
            ? content
            : throw new DomainException(DomainError.NotFound, $"Enquiry {access.Enquiry.Id} has no image, video, audio or file with message id '{Shown(messageId)}'.");
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

        var name = staff.FirstName is { Length: > 0 } first ? new StaffName(first, staff.LastName) : null;
        var sender = StaffDisplayName.ForSender(channel.Settings.StaffNameFormat, name);
        var outboundId = idempotencyKey is null ? $"reply-{Guid.NewGuid():N}" : $"reply-{Hash(enquiry.Id + "\n" + idempotencyKey)}";
        var builder = new OutboundRequestBuilder(outboundId, channel.Id, enquiry.Enquiry.SourceId)
            .ForEnquiry(enquiry.Id)
            .ReportTo(destinationId);
        if (sender.Value is { } senderName)
        {
            builder.From(senderName);
        }

        if (enquiry.LatestReply is { } reply)
        {
            builder.ReplyWith(reply.Token, reply.WebhookReceivedAt);
        }

        foreach (var message in request.Messages.EnumerateArray())
        {
            builder.AddMessage(message);
        }

        var queued = builder.Build().ToQueueMessage();
        if (queued.Body.Length > OutboundRequest.MaxQueueBodyBytes)
        {
            throw DomainException.Invalid("messages", $"the reply takes {queued.Body.Length:N0} bytes; at most {OutboundRequest.MaxQueueBodyBytes:N0} fit in one queue message: send it in parts");
        }

        var lifecycle = new EnquiryLifecycle(clock, ChannelDecisions.Policy(channel.Settings, options.AutoCloseAfter));
        var updated = await Transition(enquiry.Id, e => e with
        {
            Enquiry = lifecycle.StaffReplied(e.Enquiry, staff.Id!, destinationId).Enquiry,
            StaffName = name,
        }, cancellationToken);

        await queue.SendAsync(QueueNames.Outbound, [queued], cancellationToken);
        return new ReplyAccepted(outboundId, EnquiryResource.Of(updated), sender.Value, sender.Note);
    }

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

        var context = new EnquiryChannel(channel, await presence.GetAsync(channel.Id, cancellationToken), options, clock);
        var by = request.StaffMemberId is null ? EnquiryCloser.Destination : EnquiryCloser.Staff;
        if (enquiry.Enquiry.State != EnquiryState.Closed)
        {
            enquiry = await enquiries.UpdateAsync(enquiry.Id, e =>
            {
                if (e.Enquiry.State == EnquiryState.Closed)
                {
                    return null;
                }

                var closing = e.Enquiry with { StaffMemberId = request.StaffMemberId ?? e.Enquiry.StaffMemberId };
                var t = context.Lifecycle.Close(closing, by);
                return e with { Enquiry = t.Enquiry, Pending = new PendingEffects(CloseCause, t.Effects) };
            }, cancellationToken) ?? throw NotFound(enquiry.Id);
        }

        if (enquiry.Pending?.Cause == CloseCause)
        {
            enquiry = await effects.RunAsync(context, enquiry, new EffectCause(CloseCause, "close"), [], cancellationToken);
            enquiry = await effects.FinishAsync(enquiry, CloseCause, cancellationToken);
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
        return new PresenceResource(channelId, destinationId, now.Present, now.AvailableStaff.Order(StringComparer.Ordinal).ToList());
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
        var current = source?.CurrentEnquiryId is { } id ? await enquiries.GetAsync(id, cancellationToken) : null;
        var last = current?.Enquiry.AsLastService() is { } served && (source?.LastService is not { } earlier || served.ServedAt >= earlier.ServedAt)
            ? served
            : source?.LastService;
        var answer = WhatIf.Answer(new WhatIfQuestion
        {
            Rule = ChannelDecisions.Rule(channel.Settings),
            TimeZone = ChannelDecisions.TimeZone(channel.Settings),
            Destinations = ChannelDecisions.Statuses(channel.Settings, await presence.GetAsync(channelId, cancellationToken)),
            SourceId = sourceId,
            At = at,
            CurrentEnquiry = current?.Enquiry,
            LastService = last,
            AutoMessages = ChannelDecisions.AutoMessages(channel.Settings),
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

    private async Task<StoredEnquiry> Transition(string enquiryId, Func<StoredEnquiry, StoredEnquiry> change, CancellationToken cancellationToken)
    {
        try
        {
            return await enquiries.UpdateAsync(enquiryId, change, cancellationToken) ?? throw NotFound(enquiryId);
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

        if (request.Messages.ValueKind != JsonValueKind.Array || request.Messages.GetArrayLength() is 0 or > MaxMessagesPerReply)
        {
            fields.Add(new("messages", $"1 to {MaxMessagesPerReply} LINE message objects (sent in order, {LineApiClient.MaxMessagesPerRequest} per LINE request), e.g. [{{\"type\":\"text\",\"text\":\"Hello\"}}]"));
        }
        else
        {
            var i = 0;
            foreach (var message in request.Messages.EnumerateArray())
            {
                if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
                {
                    fields.Add(new($"messages[{i}]", "a LINE message object with a \"type\""));
                }

                i++;
            }
        }

        if (idempotencyKey is { } key && (key.Length is 0 or > 200 || key.Any(char.IsControl)))
        {
            fields.Add(new("Idempotency-Key", "1 to 200 characters without control characters"));
        }

        return fields.Count > 0 ? throw DomainException.Invalid(fields, "The reply is not valid") : request.Staff!;
    }

    private static DomainException NotFound(string enquiryId) => new(DomainError.NotFound, $"There is no enquiry '{Shown(enquiryId)}'.");

    /// <summary>A caller's id as quoted in an error: printable and short.</summary>
    private static string Shown(string id) =>
        id.Length <= InboundContent.MaxMessageIdLength && !id.Any(char.IsControl) ? id : "(not shown: too long or with control characters)";

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
}
