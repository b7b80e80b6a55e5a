using LineConnector.Core.Channels;

namespace LineConnector.Core.Queueing;

/// <summary>
/// The Service Bus session of a conversation, <c>{channelId}:{user, group or room id}</c>: the events
/// of one LINE conversation, the checks of its enquiry, the messages to it and the reports about them
/// are each handled one at a time and in order. Every queue message about a conversation takes its
/// session id from here.
/// </summary>
public static class ConversationSession
{
    /// <summary>Stands in for the conversation of events that have none (no <c>source</c>, or a user source without a user id).</summary>
    public const string NoConversation = "_channel";

    /// <summary>The channel <see cref="Parse"/> names for a session id without a valid channel id.</summary>
    public const string UnknownChannel = "_";

    /// <summary>The longest conversation id whose session id fits Service Bus's 128 characters whatever the channel id.</summary>
    public const int MaxConversationIdLength = QueueMessage.MaxIdLength - ChannelId.MaxLength - 1;

    public static string Id(string channelId, string? conversationId) =>
        $"{channelId}:{(string.IsNullOrEmpty(conversationId) ? NoConversation : conversationId)}";

    /// <summary>
    /// The channel and conversation a session id names (null for <see cref="NoConversation"/>); a session id
    /// that names no channel of this connector (a hand-sent message) is kept whole as the conversation of
    /// <see cref="UnknownChannel"/>.
    /// </summary>
    public static (string ChannelId, string? ConversationId) Parse(string sessionId)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        var at = sessionId.IndexOf(':', StringComparison.Ordinal);
        var channelId = at > 0 ? sessionId[..at] : sessionId;
        if (!ChannelId.IsValid(channelId))
        {
            return (UnknownChannel, sessionId.Length > 0 ? sessionId : null);
        }

        var conversationId = at > 0 ? sessionId[(at + 1)..] : "";
        return (channelId, conversationId is "" or NoConversation ? null : conversationId);
    }
}
