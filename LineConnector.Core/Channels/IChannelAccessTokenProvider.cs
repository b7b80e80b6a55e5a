namespace LineConnector.Core.Channels;

/// <summary>
/// Supplies a channel's LINE channel access token for each call to the Messaging API. Tokens are
/// secrets: implementations never log them and never put them in exception messages.
/// </summary>
public interface IChannelAccessTokenProvider
{
    /// <summary>
    /// The channel's current access token. Throws <see cref="ChannelStoreUnavailableException"/>
    /// when the token cannot be read now (the caller retries later) and
    /// <see cref="ChannelAccessTokenMissingException"/> when the channel has no usable token (it will not get one by retrying).
    /// </summary>
    ValueTask<string> GetTokenAsync(string channelId, CancellationToken cancellationToken);
}

/// <summary>The channel does not exist, is deleted, or has no usable channel access token. The message never contains a token.</summary>
public sealed class ChannelAccessTokenMissingException(string channelId, string message) : Exception(message)
{
    public string ChannelId { get; } = channelId;
}
