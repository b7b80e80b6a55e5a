namespace LineConnector.Core.Queueing;

/// <summary>A message to send to a Service Bus queue (or the local in-process queue).</summary>
/// <param name="MessageId">Service Bus duplicate detection key (at most 128 characters).</param>
/// <param name="SessionId">Messages of one session are handled one at a time, in order (at most 128 characters).</param>
/// <param name="Body">UTF-8 JSON.</param>
public sealed record QueueMessage(string MessageId, string SessionId, ReadOnlyMemory<byte> Body)
{
    public const int MaxIdLength = 128;

    public string ContentType { get; init; } = "application/json";

    /// <summary>When set, the message is not delivered before this time (Service Bus scheduled messages).</summary>
    public DateTimeOffset? ScheduledEnqueueTime { get; init; }

    /// <summary>Service Bus application properties: the trace context (<see cref="QueueTracing"/>).</summary>
    public IReadOnlyDictionary<string, string> ApplicationProperties { get; init; } = QueueTracing.NoProperties;
}

/// <summary>A message as a queue handler receives it.</summary>
/// <param name="DeliveryCount">1 on the first delivery.</param>
public sealed record ReceivedMessage(string MessageId, string SessionId, int DeliveryCount, string Body)
{
    /// <summary>The message's application properties that are strings (the trace context among them).</summary>
    public IReadOnlyDictionary<string, string> ApplicationProperties { get; init; } = QueueTracing.NoProperties;
}

public static class QueueNames
{
    public const string Inbound = "line-inbound";
    public const string Outbound = "line-outbound";
}
