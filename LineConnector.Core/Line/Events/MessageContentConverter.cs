using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace LineConnector.Core.Line.Events;

/// <summary>Reads a message content by its <c>type</c>; an unknown type becomes <see cref="UnknownMessageContent"/>.</summary>
internal sealed class MessageContentConverter : JsonConverter<MessageContent>
{
    public override MessageContent Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        var element = document.RootElement;
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"A message must be a JSON object, not {element.ValueKind}.");
        }

        var type = element.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
        return KnownType(type) is { } typeInfo
            ? (MessageContent)(element.Deserialize(typeInfo) ?? throw new JsonException("The message is null."))
            : new UnknownMessageContent
            {
                Type = type,
                Id = element.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString()! : "",
                Raw = element.Clone(),
            };
    }

    public override void Write(Utf8JsonWriter writer, MessageContent value, JsonSerializerOptions options)
    {
        if (value is UnknownMessageContent unknown)
        {
            unknown.Raw.WriteTo(writer);
            return;
        }

        JsonSerializer.Serialize(writer, value, KnownType(value.Type) ?? throw new JsonException($"No serializer for message type '{value.Type}'."));
    }

    private static JsonTypeInfo? KnownType(string type) => type switch
    {
        "text" => WebhookJsonContext.Default.TextMessageContent,
        "image" => WebhookJsonContext.Default.ImageMessageContent,
        "video" => WebhookJsonContext.Default.VideoMessageContent,
        "audio" => WebhookJsonContext.Default.AudioMessageContent,
        "file" => WebhookJsonContext.Default.FileMessageContent,
        "location" => WebhookJsonContext.Default.LocationMessageContent,
        "sticker" => WebhookJsonContext.Default.StickerMessageContent,
        _ => null,
    };
}
