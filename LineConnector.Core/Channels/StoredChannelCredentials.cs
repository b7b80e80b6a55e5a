using LineConnector.Core.Line.Api;

namespace LineConnector.Core.Channels;

/// <summary>
/// A channel's LINE credential as stored: its long-lived token in the secret store when there is one,
/// otherwise its LINE channel id (channel row) and channel secret (secret store), which LINE's stateless
/// tokens are minted with. The channel row comes through <see cref="ChannelCache"/>, as the
/// webhook's does. Table and secret store failures pass through (the caller retries later).
/// </summary>
public sealed class StoredChannelCredentials(ChannelCache channels, IChannelSecretStore secrets) : IChannelCredentials
{
    public async ValueTask<LineCredential> GetAsync(string channelId, CancellationToken cancellationToken)
    {
        var channel = await channels.GetSummaryAsync(channelId, reread: false, cancellationToken);
        if (channel is null || channel.Status == ChannelStatus.Deleted)
        {
            throw new DomainException(DomainError.NotFound, $"There is no channel '{channelId}' (or it is deleted).");
        }

        var stored = await secrets.GetAsync(channelId, refresh: false, cancellationToken);
        if (stored.AccessToken is { } longLived)
        {
            return LineCredential.LongLived(longLived);
        }

        if (channel.LineChannelId is null)
        {
            throw new DomainException(DomainError.Misconfigured,
                $"Channel '{channelId}' has no long-lived token ({ChannelSecretNames.AccessToken(channelId)}) and no {ChannelProperties.LineChannelId} (table {ChannelTables.Channels}) to mint stateless tokens with.");
        }

        return stored.ChannelSecret is { } secret
            ? LineCredential.Stateless(channel.LineChannelId, secret)
            : throw new DomainException(DomainError.Misconfigured,
                $"Channel '{channelId}' has no long-lived token and no channel secret ({ChannelSecretNames.ChannelSecret(channelId)}) to mint stateless tokens with.");
    }
}
