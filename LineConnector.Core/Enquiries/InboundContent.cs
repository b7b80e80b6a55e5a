using LineConnector.Core.Line.Events;

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
    public static InboundContent? Of(string channelId, string enquiryId, WebhookEvent webhookEvent)
    {
        ArgumentNullException.ThrowIfNull(webhookEvent);
        if (webhookEvent.Kind != WebhookEventKind.Message || webhookEvent.Message is not { Type: "image" or "video" or "audio" or "file" } message || !IsMessageId(message.Id))
        {
            return null;
        }

        return message.Type == "file" || message.ContentProvider == "line" ? new InboundContent(channelId, message.Id, enquiryId, message.Type) : null;
    }

    /// <summary>Letters and digits only: anything else is no LINE message id (and no valid table row key).</summary>
    public static bool IsMessageId(string? messageId) =>
        messageId is { Length: > 0 and <= MaxMessageIdLength } && messageId.All(char.IsAsciiLetterOrDigit);
}
