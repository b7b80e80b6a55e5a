using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using LineConnector.Core.Line.Events;

namespace LineConnector.Core.Inbound;

/// <summary>
/// The body of a <c>line-inbound</c> message: one webhook event as the webhook read it and exactly as
/// LINE sent it, with the channel it arrived on and when the connector received it (the reply token's
/// clock starts then).
/// </summary>
public sealed record InboundEnvelope
{
    /// <param name="parsed">Absent from messages queued by versions that did not send it: then read from <paramref name="event"/>.</param>
    /// <exception cref="JsonException">A field is missing, or the event cannot be used.</exception>
    [JsonConstructor]
    public InboundEnvelope(string channelId, string destination, DateTimeOffset receivedAt, WebhookEvent? parsed, JsonElement @event)
    {
        ChannelId = channelId ?? throw new JsonException("The inbound message has no 'channelId'.");
        Destination = destination ?? throw new JsonException("The inbound message has no 'destination'.");
        ReceivedAt = receivedAt;
        Event = @event.ValueKind == JsonValueKind.Object ? @event : throw new JsonException("The inbound message has no 'event' object.");
        Parsed = parsed ?? WebhookEventReader.Read(JsonMarshal.GetRawUtf8Value(@event), out var problem)
            ?? throw new JsonException($"The inbound message's event cannot be used: {problem!.Reason}.");
    }

    public string ChannelId { get; }

    /// <summary>The webhook's <c>destination</c>: the bot's user id.</summary>
    public string Destination { get; }

    public DateTimeOffset ReceivedAt { get; }

    /// <summary>What the connector reads of the event: its kind, source, reply token and message.</summary>
    public WebhookEvent Parsed { get; }

    /// <summary>The event exactly as LINE sent it: what destinations receive.</summary>
    public JsonElement Event { get; }

    /// <exception cref="JsonException">The JSON is not an inbound message.</exception>
    public static InboundEnvelope Parse(string json) =>
        JsonSerializer.Deserialize(json, InboundJsonContext.Default.InboundEnvelope)
        ?? throw new JsonException("The inbound message body is null.");

    /// <exception cref="JsonException">The JSON is not an inbound message.</exception>
    public static InboundEnvelope Read(JsonElement root) =>
        root.Deserialize(InboundJsonContext.Default.InboundEnvelope)
        ?? throw new JsonException("The inbound message body is null.");
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(InboundEnvelope))]
internal sealed partial class InboundJsonContext : JsonSerializerContext;
