namespace LineConnector.Core.Channels;

public interface IChannelAccessTokenProvider
{
    ValueTask<string> GetTokenAsync(string channelId, CancellationToken cancellationToken);
}
