using System.Globalization;
using System.Text.Json;
using LineConnector.Core.Queueing;

namespace LineConnector.Functions.QueueTriggers;

/// <summary>
/// Reads what the Functions host posts to a custom handler for a Service Bus trigger:
/// <c>{"Data": {"message": ...}, "Metadata": {"MessageId": "\"...\"", ...}}</c>.
/// The host JSON-encodes a string body once more (so <c>Data.message</c> is a JSON string whose
/// content is a JSON string literal); the documentation shows a single encoding. Both are accepted,
/// as are Metadata values with and without their extra quotes. <c>Metadata.ApplicationProperties</c>
/// gives the message's application properties (the trace context).
/// </summary>
public static class HostInvocation
{
    public const string BindingName = "message";

    public static bool TryRead(JsonElement invocation, out ReceivedMessage message, out string? error)
    {
        message = null!;
        if (invocation.ValueKind != JsonValueKind.Object
            || !invocation.TryGetProperty("Data", out var data) || data.ValueKind != JsonValueKind.Object
            || !data.TryGetProperty(BindingName, out var value))
        {
            error = $"the invocation has no Data.{BindingName}";
            return false;
        }

        var body = value.ValueKind switch
        {
            JsonValueKind.String => Unwrap(value.GetString()!),
            JsonValueKind.Object or JsonValueKind.Array => value.GetRawText(),
            _ => null,
        };
        if (body is null)
        {
            error = $"Data.{BindingName} is {value.ValueKind}, not a message body";
            return false;
        }

        var metadata = invocation.TryGetProperty("Metadata", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
        var messageId = Metadata(metadata, "MessageId");
        if (string.IsNullOrEmpty(messageId))
        {
            error = "Metadata.MessageId is missing";
            return false;
        }

        var deliveryCount = int.TryParse(Metadata(metadata, "DeliveryCount"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) ? count : 1;
        message = new ReceivedMessage(messageId, Metadata(metadata, "SessionId") ?? "", deliveryCount, body)
        {
            ApplicationProperties = ApplicationProperties(metadata),
        };
        error = null;
        return true;
    }

    /// <summary>
    /// The string-valued entries of <c>Metadata.ApplicationProperties</c> (the trace context among them).
    /// Taken as a JSON object, or as a string holding one (metadata values are JSON-serialized once more),
    /// each value with or without its extra quotes; anything else gives none.
    /// </summary>
    private static IReadOnlyDictionary<string, string> ApplicationProperties(JsonElement metadata)
    {
        if (metadata.ValueKind != JsonValueKind.Object || !metadata.TryGetProperty("ApplicationProperties", out var value))
        {
            return QueueTracing.NoProperties;
        }

        if (value.ValueKind == JsonValueKind.Object)
        {
            return StringEntries(value);
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return QueueTracing.NoProperties;
        }

        try
        {
            using var document = JsonDocument.Parse(Unwrap(value.GetString()!));
            return document.RootElement.ValueKind == JsonValueKind.Object ? StringEntries(document.RootElement) : QueueTracing.NoProperties;
        }
        catch (JsonException)
        {
            return QueueTracing.NoProperties;
        }
    }

    private static Dictionary<string, string> StringEntries(JsonElement properties)
    {
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in properties.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.String)
            {
                entries[property.Name] = Unwrap(property.Value.GetString()!);
            }
        }

        return entries;
    }

    /// <summary>A string that is itself a JSON string literal is decoded once more.</summary>
    private static string Unwrap(string text)
    {
        var trimmed = text.AsSpan().Trim();
        if (trimmed.Length >= 2 && trimmed[0] == '"' && trimmed[^1] == '"')
        {
            try
            {
                return JsonSerializer.Deserialize(trimmed, HostJsonContext.Default.String) ?? text;
            }
            catch (JsonException)
            {
                return text;
            }
        }

        return text;
    }

    private static string? Metadata(JsonElement metadata, string name)
    {
        if (metadata.ValueKind != JsonValueKind.Object || !metadata.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => Unwrap(value.GetString()!),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
    }
}
