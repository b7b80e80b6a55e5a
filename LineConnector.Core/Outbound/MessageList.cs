using System.Buffers;
using System.Text.Json;

namespace LineConnector.Core.Outbound;

/// <summary>Operations on JSON arrays of LINE message objects, which are kept raw as <see cref="JsonElement"/>.</summary>
public static class MessageList
{
    /// <summary>A JSON array of the given elements.</summary>
    public static JsonElement Of(IEnumerable<JsonElement> messages)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var message in messages)
            {
                message.WriteTo(writer);
            }

            writer.WriteEndArray();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    /// <summary>The array cut into arrays of at most <paramref name="size"/> elements, in order.</summary>
    public static IReadOnlyList<JsonElement> Chunk(JsonElement messages, int size) =>
        [.. messages.EnumerateArray().Chunk(size).Select(Of)];

    /// <summary>
    /// The array with LINE's <c>sender</c> property set to <paramref name="sender"/> on every object
    /// that has none (an object's own sender wins).
    /// </summary>
    public static JsonElement WithSender(JsonElement messages, OutboundSender sender)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var message in messages.EnumerateArray())
            {
                if (message.ValueKind != JsonValueKind.Object || message.TryGetProperty("sender"u8, out _))
                {
                    message.WriteTo(writer);
                    continue;
                }

                writer.WriteStartObject();
                foreach (var property in message.EnumerateObject())
                {
                    property.WriteTo(writer);
                }

                writer.WriteStartObject("sender"u8);
                if (sender.Name is not null)
                {
                    writer.WriteString("name"u8, sender.Name);
                }

                if (sender.IconUrl is not null)
                {
                    writer.WriteString("iconUrl"u8, sender.IconUrl);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
