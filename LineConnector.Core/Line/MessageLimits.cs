namespace LineConnector.Core.Line;

/// <summary>
/// What one LINE message request may hold (DESIGN §5, Outbound limits): the one place these numbers
/// are written. Lengths are UTF-16 code units, as LINE counts them.
/// </summary>
public static class MessageLimits
{
    /// <summary>A text message's text: LINE takes 5,000 code units; the channel keeps one below.</summary>
    public const int MaxTextLength = 4_999;

    /// <summary>Message objects in one reply or push request (messaging-api.yml, <c>ReplyMessageRequest.messages</c> maxItems 5).</summary>
    public const int MaxMessagesPerRequest = 5;

    /// <summary>The <c>sender.name</c> shown instead of the account's (messaging-api.yml, <c>Sender.name</c> maxLength 20).</summary>
    public const int MaxSenderNameLength = 20;
}
