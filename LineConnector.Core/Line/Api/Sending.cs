namespace LineConnector.Core.Line.Api;

/// <summary>A message LINE sent: its id, and a quote token when the message can be quoted.</summary>
public sealed record SentMessage(string Id, string? QuoteToken = null);

/// <summary>The answer to a reply or push: the messages sent, in order, and LINE's request id.</summary>
public sealed record SendResult(IReadOnlyList<SentMessage> SentMessages, string? RequestId);
