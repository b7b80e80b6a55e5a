using System.Text.Json;
using System.Text.Json.Serialization;

namespace LineConnector.Core.Inbound;

/// <summary>
/// The body of a <c>line-inbound</c> message: one webhook event exactly as LINE sent it, with the
/// channel it arrived on and when the connector received it (the reply token's clock starts then).
/// </summary>
public sealed record InboundEnvelope
{
    public required string ChannelId { get; init; }

    /// <summary>The webhook's <c>destination</c>: the bot's user id.</summary>
    public required string Destination { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    public required JsonElement Event { get; init; }

    public static InboundEnvelope Parse(string json) =>
        JsonSerializer.Deserialize(json, InboundJsonContext.Default.InboundEnvelope)
        ?? throw new JsonException("The inbound message body is null.");
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(InboundEnvelope))]
internal sealed partial class InboundJsonContext : JsonSerializerContext;
