using LineConnector.Core.Channels;
using LineConnector.Core.Outbound;
using LineConnector.Core.Storage;

namespace LineConnector.Core.Cost;

/// <summary>
/// What a channel sent to LINE in a period, by method: replies are free, pushes count against the
/// month's quota (DESIGN §5). Counted from the outbound records (<c>OutboundMessages</c>), so every
/// message the connector sent counts once, whichever instance sent it; with the quota as last read.
/// </summary>
public sealed class ChannelUsage(ITableStore store, ChannelCache channels, QuotaWatch quota)
{
    /// <summary>The channel's LINE requests and message objects sent from <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive).</summary>
    public async Task<UsageResource> GetAsync(string channelId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        if (from >= to)
        {
            throw DomainException.Invalid("from", $"must be before 'to' ({to:O})");
        }

        if ((await channels.GetAsync(channelId, cancellationToken))?.Channel is not { Status: not ChannelStatus.Deleted })
        {
            throw new DomainException(DomainError.NotFound, $"There is no channel '{channelId}'.");
        }

        var reply = new MethodCount();
        var push = new MethodCount();
        await foreach (var sent in TableOutboundRecords.SentByChannelAsync(store, channelId, cancellationToken))
        {
            if (sent.SentAt >= from && sent.SentAt < to)
            {
                var count = sent.Method == DeliveryMethod.Reply ? reply : push;
                count.Requests++;
                count.Messages += sent.MessageIds.Count;
            }
        }

        var total = reply.Messages + push.Messages;
        return new UsageResource(
            channelId,
            from,
            to,
            new UsageCount(reply.Requests, reply.Messages),
            new UsageCount(push.Requests, push.Messages),
            total == 0 ? null : Math.Round((double)reply.Messages / total, 4),
            await quota.GetAsync(channelId, cancellationToken));
    }

    private sealed class MethodCount
    {
        public int Requests { get; set; }

        public int Messages { get; set; }
    }
}

/// <summary>Answer of <c>GET /api/manage/channels/{id}/usage</c>.</summary>
/// <param name="ReplyShare">The share of message objects sent by reply (free), 0 to 1; null when nothing was sent.</param>
/// <param name="Quota">The month's quota as last read from LINE (at most every few minutes).</param>
public sealed record UsageResource(string ChannelId, DateTimeOffset From, DateTimeOffset To, UsageCount Reply, UsageCount Push, double? ReplyShare, QuotaStatus? Quota);

/// <param name="Requests">LINE requests (each carries 1 to 5 message objects).</param>
/// <param name="Messages">Message objects LINE accepted: what LINE counts.</param>
public sealed record UsageCount(int Requests, int Messages);
