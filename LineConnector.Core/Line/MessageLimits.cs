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

    /// <summary>
    /// A <c>quoteToken</c> as the channel passes it on: LINE's are opaque printable ASCII well below this
    /// (webhook.yml, <c>quoteToken</c> of a message; a <c>sentMessages</c> entry).
    /// </summary>
    public const int MaxQuoteTokenLength = 1000;

    /// <summary>Substitutions in one <c>textV2</c> message (messaging-api.yml, <c>TextMessageV2.substitution</c>).</summary>
    public const int MaxSubstitutions = 100;

    /// <summary>A <c>{key}</c> of a <c>textV2</c> text: 1 to 20 ASCII letters, digits or '_'.</summary>
    public const int MaxSubstitutionKeyLength = 20;

    /// <summary>
    /// What a user mention or a LINE emoji adds to a <c>textV2</c> text as LINE counts it after substitution:
    /// a mention becomes '@' and the user's display name (at most 20 units); an emoji its alternative text,
    /// which LINE does not disclose, so the channel reserves the same. <c>@All</c> counts 4.
    /// </summary>
    public const int MaxSubstitutedLength = 21;

    public const string MentionAllText = "@All";
}
