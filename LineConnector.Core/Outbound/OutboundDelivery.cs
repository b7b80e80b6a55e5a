using System.Text.Json;
using LineConnector.Core.Channels;
using LineConnector.Core.Line;
using LineConnector.Core.Line.Api;
using LineConnector.Core.Queueing;
using LineConnector.Core.Telemetry;

namespace LineConnector.Core.Outbound;

/// <summary>
/// Delivers a <c>line-outbound</c> message to LINE exactly once in effect (DESIGN §2, §6). The
/// messages pass the outbound policy; they go out in requests of at most 5 objects, in order; the
/// first request uses the event's reply token while it is fresh and unused (free), the others push
/// with a retry key derived from the outbound id (so a redelivery cannot send twice). Progress is
/// recorded per request, so a redelivered message sends only what is left.
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
        if (!OutboundRequest.TryParse(message.Body, out var request, out var problems))
        {
            var failure = new OutboundFailure(OutboundFailureKind.Malformed, "the queue message is not a valid outbound message", problems);
            return await FinishAsync(Result(message.MessageId, request, [], failure), cancellationToken);
        }

        var record = await records.FindAsync(request!.OutboundId, cancellationToken);
        if (record?.Result is { } finished)
        {
            if (!record.Reported)
            {
                await ReportAsync(finished, cancellationToken);
            }

            return finished;
        }

        var lastDelivery = message.DeliveryCount >= options.MaxDeliveryCount;
        return await SendAsync(request, record?.Sent ?? [], lastDelivery, cancellationToken);
    }

    /// <summary>True when the reply token may still be used: not a Verify dummy and younger than <see cref="OutboundDeliveryOptions.ReplyTokenMaxAge"/>.</summary>
    private bool IsFresh(OutboundReply reply) =>
        !VerifyReplyTokens.Contains(reply.Token) && clock.GetUtcNow() - reply.WebhookReceivedAt < options.ReplyTokenMaxAge;

    private async Task<OutboundResult> SendAsync(OutboundRequest request, IReadOnlyList<SentRequest> alreadySent, bool lastDelivery, CancellationToken cancellationToken)
    {
        var sent = new List<SentRequest>(alreadySent);
        var messages = request.Sender is { } sender ? MessageList.WithSender(request.Messages, sender) : request.Messages;
        var verdict = await policy.CheckAsync(messages, cancellationToken);
        if (!verdict.Accepted)
        {
            var failure = new OutboundFailure(OutboundFailureKind.Refused, "the outbound policy refused the messages", [.. verdict.AllReasons]);
            return await FinishAsync(Result(request.OutboundId, request, sent, failure), cancellationToken);
        }

        var chunks = MessageList.Chunk(messages, MessageLimits.MaxMessagesPerRequest);
        for (var index = 0; index < chunks.Count; index++)
        {
            if (sent.Any(s => s.Index == index))
            {
                continue;
            }

            SentRequest done;
            try
            {
                done = await SendChunkAsync(request, index, chunks[index], cancellationToken);
            }
            catch (LineApiException e) when (!e.IsTransient || lastDelivery)
            {
                return await FinishAsync(Result(request.OutboundId, request, sent, Failure(e, index, chunks.Count)), cancellationToken);
            }
            catch (ChannelAccessTokenMissingException e)
            {
                var failure = new OutboundFailure(OutboundFailureKind.NoChannel, e.Message, []);
                return await FinishAsync(Result(request.OutboundId, request, sent, failure), cancellationToken);
            }
            catch (ChannelStoreUnavailableException e) when (lastDelivery)
            {
                var failure = new OutboundFailure(OutboundFailureKind.GaveUp, $"the channel access token could not be read by the queue's last delivery: {e.Message}", []);
                return await FinishAsync(Result(request.OutboundId, request, sent, failure), cancellationToken);
            }

            await records.AddSentAsync(request.OutboundId, done, cancellationToken);
            sent.Add(done);
        }

        return await FinishAsync(Result(request.OutboundId, request, sent, failure: null), cancellationToken);
    }

    private async Task<SentRequest> SendChunkAsync(OutboundRequest request, int index, JsonElement chunk, CancellationToken cancellationToken)
    {
        if (index == 0
            && request.Reply is { } reply
            && IsFresh(reply)
            // Claimed before the attempt: a token is tried at most once, even if the attempt's outcome is unknown.
            && await records.TryClaimReplyTokenAsync(request.ChannelId, reply.Token, request.OutboundId, cancellationToken))
        {
            try
            {
                var replied = await line.ReplyAsync(request.ChannelId, reply.Token, chunk, cancellationToken);
                ConnectorMetrics.LineMessagesAccepted(request.ChannelId, DeliveryMethod.Reply, chunk.GetArrayLength());
                return Sent(index, DeliveryMethod.Reply, replied.SentMessages, replied.RequestId);
            }
            catch (LineApiException e) when (e.Kind == LineErrorKind.InvalidReplyToken)
            {
                // Expired or used after all: push instead.
            }
        }

        try
        {
            var pushed = await line.PushAsync(request.ChannelId, request.Recipient, chunk, RetryKey.For(request.OutboundId, index), cancellationToken);
            ConnectorMetrics.LineMessagesAccepted(request.ChannelId, DeliveryMethod.Push, chunk.GetArrayLength());
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
        var details = e.Details.Select(d => d.Property is null ? d.Message ?? "" : $"{d.Property}: {d.Message}").Prepend(e.LineMessage);
        return new OutboundFailure(kind, reason + position, [.. details])
        {
            LineStatus = e.Status == 0 ? null : e.Status,
            LineRequestId = e.RequestId,
        };
    }

    private OutboundResult Result(string outboundId, OutboundRequest? request, IReadOnlyList<SentRequest> sent, OutboundFailure? failure)
    {
        var ordered = sent.OrderBy(s => s.Index).ToList();
        return new OutboundResult(
            outboundId,
            request?.ChannelId,
            request?.EnquiryId,
            request?.Recipient,
            request?.ReportTo,
            failure is null ? OutboundStatus.Delivered : OutboundStatus.Failed,
            [.. ordered.SelectMany(s => s.MessageIds)],
            ordered,
            failure,
            clock.GetUtcNow());
    }

    private async Task<OutboundResult> FinishAsync(OutboundResult result, CancellationToken cancellationToken)
    {
        await records.FinishAsync(result, cancellationToken);
        await ReportAsync(result, cancellationToken);
        return result;
    }

    private async Task ReportAsync(OutboundResult result, CancellationToken cancellationToken)
    {
        await reporter.ReportAsync(result, cancellationToken);
        await records.MarkReportedAsync(result.OutboundId, cancellationToken);
    }
}
