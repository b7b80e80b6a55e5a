using System.Text.Json;
using LineConnector.Core.Channels;
using LineConnector.Core.Line;
using LineConnector.Core.Line.Api;
using LineConnector.Core.Queueing;
using LineConnector.Core.Storage;
using LineConnector.Core.Telemetry;

namespace LineConnector.Core.Outbound;

/// <summary>
/// Delivers a <c>line-outbound</c> message to LINE, never twice to a user (DESIGN §2, §6). The messages
/// pass the outbound policy; they go out in requests of at most 5 objects, in order; the first request
/// uses the event's reply token while it is fresh and unclaimed (free), the others push with a retry key
/// derived from the outbound id and the request's index, the same on every attempt, instance and restart
/// (a multicast message sends each request to all its users at once, with the same kind of key).
/// Progress is recorded durably per request, so a redelivered message sends only what is left.
/// A reply whose outcome is unknown (a timeout, a 5xx) is tried again while the token is fresh; if LINE
/// then refuses the token as used, or the token is too old to try, the message ends
/// <see cref="OutboundStatus.Uncertain"/> and is never pushed: the user may have it already.
/// A permanent failure is recorded and reported, and the method returns (the queue message completes);
/// a transient one throws (the queue redelivers), except on the queue's last delivery, where it is
/// recorded and reported as a failure too.
/// </summary>
public sealed class OutboundDelivery(
    LineApiClient line,
    IOutboundPolicy policy,
    IOutboundRecords records,
    IDeliveryReporter reporter,
    OutboundDeliveryOptions options,
    TimeProvider clock)
{
    /// <summary>What LINE's console Verify button used to send as reply tokens: replying to them fails.</summary>
    private static readonly HashSet<string> VerifyReplyTokens = ["00000000000000000000000000000000", "ffffffffffffffffffffffffffffffff"];

    /// <summary>Delivers one queue message and returns its result; throws when a transient failure should make the queue redeliver it.</summary>
    public async Task<OutboundResult> DeliverAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!OutboundRequest.TryParse(message.Body, out var request, out var problems))
        {
            var unreadable = await records.StartAsync(new OutboundKey(message.MessageId, request?.ChannelId, request?.Recipient), null, cancellationToken);
            if (unreadable.Result is { } recorded)
            {
                return await ResumeAsync(unreadable, recorded, cancellationToken);
            }

            var failure = new OutboundFailure(OutboundFailureKind.Malformed, "the queue message is not a valid outbound message", problems);
            return await FinishAsync(unreadable, Result(message.MessageId, request, [], failure), cancellationToken);
        }

        var freshToken = request!.Reply is { } offered && IsFresh(offered) ? offered.Token : null;
        var record = await records.StartAsync(OutboundKey.Of(request), freshToken, cancellationToken);
        if (record.Result is { } finished)
        {
            return await ResumeAsync(record, finished, cancellationToken);
        }

        return await SendAsync(request, record, message.DeliveryCount >= options.MaxDeliveryCount, cancellationToken);
    }

    /// <summary>True when the reply token may still be used: not a Verify dummy and younger than <see cref="OutboundDeliveryOptions.ReplyTokenMaxAge"/>.</summary>
    private bool IsFresh(OutboundReply reply) =>
        !VerifyReplyTokens.Contains(reply.Token) && clock.GetUtcNow() - reply.WebhookReceivedAt < options.ReplyTokenMaxAge;

    private async Task<OutboundResult> SendAsync(OutboundRequest request, OutboundRecord record, bool lastDelivery, CancellationToken cancellationToken)
    {
        var messages = request.Sender is { } sender ? MessageList.WithSender(request.Messages, sender) : request.Messages;
        var verdict = await policy.CheckAsync(messages, cancellationToken);
        if (!verdict.Accepted)
        {
            return await RefuseAsync(request, record, "the outbound policy refused the messages", [.. verdict.AllReasons], cancellationToken);
        }

        var prepared = await policy.PrepareAsync(messages, verdict, request.OutboundId, cancellationToken);
        if (prepared.Reasons.Count > 0)
        {
            return await RefuseAsync(request, record, "the messages could not be made ready for LINE", prepared.Reasons, cancellationToken);
        }

        messages = prepared.Messages;

        var chunks = MessageList.Chunk(messages, MessageLimits.MaxMessagesPerRequest);
        var sent = new List<SentRequest>(record.Sent);
        for (var index = 0; index < chunks.Count; index++)
        {
            if (sent.Any(s => s.Index == index))
            {
                continue;
            }

            SentRequest done;
            try
            {
                var replied = index == 0 && request.Reply is { } reply && record.Reply is ReplyState.Claimed or ReplyState.TriedBefore
                    ? await ReplyAsync(request, reply, record, chunks[0], lastDelivery, cancellationToken)
                    : null;
                if (replied?.Uncertain is { } uncertain)
                {
                    var failure = Uncertain(uncertain.Reason, uncertain.Line, chunks.Count);
                    return await FinishAsync(record, Result(request.OutboundId, request, sent, failure), cancellationToken);
                }

                done = replied?.Sent ?? await PushAsync(request, index, chunks[index], cancellationToken);
            }
            catch (LineApiException e) when (!e.IsTransient || lastDelivery)
            {
                return await FinishAsync(record, Result(request.OutboundId, request, sent, Failure(e, index, chunks.Count)), cancellationToken);
            }
            catch (DomainException e) when (e.Error is DomainError.Misconfigured or DomainError.NotFound)
            {
                var failure = new OutboundFailure(OutboundFailureKind.NoChannel, e.Message, []);
                return await FinishAsync(record, Result(request.OutboundId, request, sent, failure), cancellationToken);
            }
            catch (Exception e) when (lastDelivery && e is TableStoreException or SecretStoreException)
            {
                var failure = new OutboundFailure(OutboundFailureKind.GaveUp, $"the channel access token could not be read by the queue's last delivery: {e.Message}", []);
                return await FinishAsync(record, Result(request.OutboundId, request, sent, failure), cancellationToken);
            }

            sent.Add(done);
            if (index < chunks.Count - 1)
            {
                // Recorded before the next request: a redelivery must not send this one again.
                record = await records.AddSentAsync(record, done, cancellationToken);
            }
        }

        return await FinishAsync(record, Result(request.OutboundId, request, sent, failure: null), cancellationToken);
    }

    private async Task<OutboundResult> RefuseAsync(OutboundRequest request, OutboundRecord record, string reason, IReadOnlyList<string> details, CancellationToken cancellationToken)
    {
        if (record.Reply == ReplyState.Claimed)
        {
            // Nothing is sent: the token stays free for the conversation's next message.
            record = await records.ReleaseReplyTokenAsync(record, request.Reply!.Token, cancellationToken);
        }

        var failure = new OutboundFailure(OutboundFailureKind.Refused, reason, details);
        return await FinishAsync(record, Result(request.OutboundId, request, record.Sent, failure), cancellationToken);
    }

    /// <summary>
    /// The first request with the reply token this message holds. Null when it must be pushed instead (LINE
    /// refused a token nobody had used for it: expired, or used before this message claimed it).
    /// </summary>
    private async Task<ReplyOutcome?> ReplyAsync(OutboundRequest request, OutboundReply reply, OutboundRecord record, JsonElement chunk, bool lastDelivery, CancellationToken cancellationToken)
    {
        var triedBefore = record.Reply == ReplyState.TriedBefore;
        if (!IsFresh(reply))
        {
            // Only a reply tried before gets here (a token is claimed only while fresh): it cannot be tried again.
            return new ReplyOutcome(null, new UncertainReply("an earlier delivery tried the reply and its outcome is unknown; the reply token is now too old to try again", null));
        }

        try
        {
            var replied = await line.ReplyAsync(request.ChannelId, reply.Token, chunk, cancellationToken);
            ConnectorMetrics.LineMessagesAccepted(request.ChannelId, DeliveryMethod.Reply, chunk.GetArrayLength());
            return new ReplyOutcome(Sent(0, DeliveryMethod.Reply, replied.SentMessages, replied.RequestId), null);
        }
        catch (LineApiException e) when (e.Kind == LineErrorKind.InvalidReplyToken)
        {
            return triedBefore || e.MayHaveTakenEffect
                ? new ReplyOutcome(null, new UncertainReply("LINE refused the reply token after a reply attempt whose outcome is unknown: that attempt may have delivered the messages", e))
                : null;
        }
        catch (LineApiException e) when (e.IsTransient && e.MayHaveTakenEffect && lastDelivery)
        {
            return new ReplyOutcome(null, new UncertainReply("LINE gave no clear answer to the reply through the queue's last delivery", e));
        }
        catch (Exception e) when (e is LineApiException { IsTransient: true, MayHaveTakenEffect: false } or TableStoreException or SecretStoreException)
        {
            // Nothing reached LINE: the token is given back, and the next delivery starts afresh.
            await records.ReleaseReplyTokenAsync(record, reply.Token, cancellationToken);
            throw;
        }
    }

    private async Task<SentRequest> PushAsync(OutboundRequest request, int index, JsonElement chunk, CancellationToken cancellationToken)
    {
        try
        {
            var key = RetryKey.For(request.OutboundId, index);
            var pushed = request.Multicast is { } users
                ? await line.MulticastAsync(request.ChannelId, users, chunk, key, cancellationToken)
                : await line.PushAsync(request.ChannelId, request.Recipient, chunk, key, cancellationToken);
            // LINE counts a multicast's messages once per user against the quota.
            ConnectorMetrics.LineMessagesAccepted(request.ChannelId, DeliveryMethod.Push, chunk.GetArrayLength() * (request.Multicast?.Count ?? 1));
            return Sent(index, DeliveryMethod.Push, pushed.SentMessages, pushed.RequestId);
        }
        catch (LineApiException e) when (e.Kind == LineErrorKind.Duplicate)
        {
            // A request with this retry key was accepted before (a redelivery after an unrecorded success): it was sent.
            return Sent(index, DeliveryMethod.Push, e.SentMessages, e.AcceptedRequestId ?? e.RequestId);
        }
    }

    private SentRequest Sent(int index, DeliveryMethod method, IReadOnlyList<SentMessage> messages, string? requestId) =>
        new(index, method, [.. messages.Select(m => m.Id)], requestId, clock.GetUtcNow());

    private static OutboundFailure Failure(LineApiException e, int index, int requests)
    {
        var (kind, reason) = e.Kind switch
        {
            LineErrorKind.MonthlyLimit => (OutboundFailureKind.MonthlyLimit, "the channel reached its monthly message limit"),
            _ when e.IsTransient => (OutboundFailureKind.GaveUp, $"LINE failed transiently through the queue's last delivery ({e.Kind})"),
            _ => (OutboundFailureKind.RejectedByLine, $"LINE refused the request (HTTP {e.Status})"),
        };
        var position = requests > 1 ? $" in request {index + 1} of {requests}" : "";
        return new OutboundFailure(kind, reason + position, Details(e))
        {
            LineStatus = e.Status == 0 ? null : e.Status,
            LineRequestId = e.RequestId,
        };
    }

    private static OutboundFailure Uncertain(string reason, LineApiException? e, int requests)
    {
        var rest = requests > 1 ? $"; the {requests - 1} request(s) after it were not sent" : "";
        return new OutboundFailure(OutboundFailureKind.Uncertain, $"{reason}. The messages are not pushed, so that the user never gets them twice{rest}", e is null ? [] : Details(e))
        {
            LineStatus = e?.Status is null or 0 ? null : e.Status,
            LineRequestId = e?.RequestId,
        };
    }

    private static List<string> Details(LineApiException e) =>
        [.. e.Details.Select(d => d.Property is null ? d.Message ?? "" : $"{d.Property}: {d.Message}").Prepend(e.LineMessage)];

    private OutboundResult Result(string outboundId, OutboundRequest? request, IReadOnlyList<SentRequest> sent, OutboundFailure? failure)
    {
        var ordered = sent.OrderBy(s => s.Index).ToList();
        var status = failure switch
        {
            null => OutboundStatus.Delivered,
            { Kind: OutboundFailureKind.Uncertain } => OutboundStatus.Uncertain,
            _ => OutboundStatus.Failed,
        };
        return new OutboundResult(
            outboundId,
            request?.ChannelId,
            request?.EnquiryId,
            request?.Recipient,
            request?.ReportTo,
            status,
            [.. ordered.SelectMany(s => s.MessageIds)],
            ordered,
            failure,
            clock.GetUtcNow());
    }

    /// <summary>Records the result (an earlier delivery's stays), then reports what is recorded.</summary>
    private async Task<OutboundResult> FinishAsync(OutboundRecord record, OutboundResult result, CancellationToken cancellationToken)
    {
        record = await records.FinishAsync(record, result, cancellationToken);
        return await ResumeAsync(record, record.Result!, cancellationToken);
    }

    /// <summary>Reports a recorded result unless that was done.</summary>
    private async Task<OutboundResult> ResumeAsync(OutboundRecord record, OutboundResult result, CancellationToken cancellationToken)
    {
        if (!record.Reported)
        {
            await reporter.ReportAsync(result, cancellationToken);
            await records.MarkReportedAsync(record, cancellationToken);
        }

        return result;
    }

    /// <summary>The reply went out (<see cref="Sent"/>), or its outcome is unknown (<see cref="Uncertain"/>).</summary>
    private sealed record ReplyOutcome(SentRequest? Sent, UncertainReply? Uncertain);

    private sealed record UncertainReply(string Reason, LineApiException? Line);
}
