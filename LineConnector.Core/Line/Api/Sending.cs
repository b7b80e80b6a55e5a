namespace LineConnector.Core.Line.Api;

/// <summary>A message LINE sent: its id, and a quote token when the message can be quoted.</summary>
public sealed record SentMessage(string Id, string? QuoteToken = null);

/// <summary>The answer to a reply or push: the messages sent, in order, and LINE's request id.</summary>
public sealed record SendResult(IReadOnlyList<SentMessage> SentMessages, string? RequestId);

/// <summary>
/// The month's message quota (<c>GET /v2/bot/message/quota</c>) and what is used of it
/// (<c>GET /v2/bot/message/quota/consumption</c>). <see cref="Limit"/> is null when the account has no target limit.
/// </summary>
public sealed record MessageQuota(long? Limit, long TotalUsage)
{
    /// <summary>The share of the limit used, 0 to 1 (or more); null without a limit.</summary>
    public double? UsedShare => Limit is > 0 and var limit ? (double)TotalUsage / limit : null;
}
