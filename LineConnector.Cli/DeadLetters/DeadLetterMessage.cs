using System.Text.Json.Serialization;

namespace LineConnector.Cli.DeadLetters;

/// <summary>A dead-lettered message, locked for this client (Service Bus peek-lock).</summary>
/// <param name="EnqueuedTime">When Service Bus enqueued it; duplicate detection counts from its send.</param>
/// <param name="DeadLetterReason">Why Service Bus dead-lettered it (e.g. MaxDeliveryCountExceeded, TTLExpiredException).</param>
public sealed record DeadLetterMessage(
    string MessageId,
    string SessionId,
    long SequenceNumber,
    string LockToken,
    DateTimeOffset EnqueuedTime,
    int DeliveryCount,
    string? DeadLetterReason,
    string ContentType,
    ReadOnlyMemory<byte> Body);

/// <summary>The <c>BrokerProperties</c> header of the Service Bus REST API.</summary>
internal sealed record ReceivedBrokerProperties
{
    public string? MessageId { get; init; }
    public string? SessionId { get; init; }
    public long SequenceNumber { get; init; }
    public string? LockToken { get; init; }

    /// <summary>RFC 1123, e.g. "Wed, 02 Jul 2014 01:32:27 GMT".</summary>
    public string? EnqueuedTimeUtc { get; init; }

    public int DeliveryCount { get; init; }
}

internal sealed record SentBrokerProperties(string MessageId, string SessionId);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.Unspecified)]
[JsonSerializable(typeof(ReceivedBrokerProperties))]
[JsonSerializable(typeof(SentBrokerProperties))]
internal sealed partial class BrokerPropertiesJsonContext : JsonSerializerContext;
