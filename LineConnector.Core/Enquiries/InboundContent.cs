using System.Text.Json;

namespace LineConnector.Core.Enquiries;

/// <summary>
/// An image, video, audio or file a user sent that LINE keeps (<c>contentProvider.type</c> "line"; files
/// have no provider and are always LINE's), recorded for the enquiry it was forwarded to so that its
/// destination, and only it, can fetch the bytes through the connector (<c>EnquiryContent</c> table).
/// </summary>
public sealed record InboundContent(string ChannelId, string MessageId, string EnquiryId, string Kind)
{
    /// <summary>The longest message id accepted; LINE's are decimal numbers of about 18 digits.</summary>
    public const int MaxMessageIdLength = 100;

    /// <summary>LINE converts a user's video and audio first; they can be fetched once it reports the transcoding done.</summary>
    public bool NeedsTranscoding => Kind is "video" or "audio";

    /// <summary>The content of <paramref name="webhookEvent"/>, when it is a message event with content LINE keeps.</summary>
    public static InboundContent? Of(string channelId, string enquiryId, JsonElement webhookEvent)
    {
        if (webhookEvent.ValueKind != JsonValueKind.Object
            || !webhookEvent.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "message"
            || !webhookEvent.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object
            || !message.TryGetProperty("type", out var kind) || kind.GetString() is not ("image" or "video" or "audio" or "file")
            || !message.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String || !IsMessageId(id.GetString()))
        {
            return null;
        }

        var fromLine = kind.GetString() == "file"
            || (message.TryGetProperty("contentProvider", out var provider) && provider.ValueKind == JsonValueKind.Object
                && provider.TryGetProperty("type", out var providerType) && providerType.ValueKind == JsonValueKind.String && providerType.GetString() == "line");
        return fromLine ? new InboundContent(channelId, id.GetString()!, enquiryId, kind.GetString()!) : null;
    }

    /// <summary>Letters and digits only: anything else is no LINE message id (and no valid table row key).</summary>
    public static bool IsMessageId(string? messageId) =>
        messageId is { Length: > 0 and <= MaxMessageIdLength } && messageId.All(char.IsAsciiLetterOrDigit);
}
