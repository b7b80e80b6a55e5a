using System.Collections.Concurrent;
using LineConnector.Core.Storage;

namespace LineConnector.Core.Channels;

/// <summary>
/// A channel's access token: the long-lived token in the secret store when there is one,
/// otherwise a stateless token minted with the LINE channel id and channel secret and cached for
/// less than its life (LINE's stateless tokens last 15 minutes and cannot be revoked).
/// </summary>
public sealed class ChannelAccessTokenProvider(ChannelCache channels, IChannelSecretStore secrets, LineAccountClient line, TimeProvider clock)
    : IChannelAccessTokenProvider
{
    /// <summary>A minted token is used until this long before it expires.</summary>
    public static readonly TimeSpan ExpiryMargin = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset UseUntil)> _minted = new(StringComparer.Ordinal);

    public async ValueTask<string> GetTokenAsync(string channelId, CancellationToken cancellationToken)
    {
        var channel = await FindChannelAsync(channelId, cancellationToken);
        var stored = await secrets.GetAsync(channelId, refresh: false, cancellationToken);
        if (stored.AccessToken is { } longLived)
        {
            return longLived;
        }

        if (_minted.TryGetValue(channelId, out var minted) && clock.GetUtcNow() < minted.UseUntil)
        {
            return minted.Token;
        }

        if (channel.LineChannelId is null)
        {
            throw new ChannelAccessTokenMissingException(channelId,
                $"Channel '{channelId}' has no long-lived token ({ChannelSecretNames.AccessToken(channelId)}) and no {ChannelProperties.LineChannelId} (table {ChannelTables.Channels}) to mint stateless tokens with.");
        }

        if (stored.ChannelSecret is null)
        {
            throw new ChannelAccessTokenMissingException(channelId,
                $"Channel '{channelId}' has no long-lived token and no channel secret ({ChannelSecretNames.ChannelSecret(channelId)}) to mint stateless tokens with.");
        }

        StatelessToken issued;
        try
        {
            issued = await line.IssueStatelessTokenAsync(channel.LineChannelId, stored.ChannelSecret, cancellationToken);
        }
        catch (LineAccountException e) when (e.IsCredentialProblem)
        {
            throw new ChannelAccessTokenMissingException(channelId, $"Channel '{channelId}': {e.Message}. Check its LINE channel id and channel secret.");
        }
        catch (LineAccountException e)
        {
            throw new ChannelStoreUnavailableException($"Channel '{channelId}': no access token for now: {e.Message}", e);
        }

        _minted[channelId] = (issued.AccessToken, clock.GetUtcNow() + issued.ExpiresIn - ExpiryMargin);
        return issued.AccessToken;
    }

    /// <summary>Drops a minted token, after the channel's credentials changed.</summary>
    public void Forget(string channelId) => _minted.TryRemove(channelId, out _);

    private async Task<ChannelSummary> FindChannelAsync(string channelId, CancellationToken cancellationToken)
    {
        ChannelSummary? channel;
        try
        {
            channel = await channels.GetSummaryAsync(channelId, reread: false, cancellationToken);
        }
        catch (TableStoreException e)
        {
            throw new ChannelStoreUnavailableException($"The channel store could not be read for channel '{channelId}': {e.Message}", e);
        }
        catch (ChannelConfigurationException e)
        {
            throw new ChannelAccessTokenMissingException(channelId, e.Message);
        }

        return channel is null || channel.Status == ChannelStatus.Deleted
            ? throw new ChannelAccessTokenMissingException(channelId, $"There is no channel '{channelId}' (or it is deleted).")
            : channel;
    }
}
