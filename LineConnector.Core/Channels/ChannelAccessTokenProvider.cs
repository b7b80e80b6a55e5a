using System.Collections.Concurrent;

namespace LineConnector.Core.Channels;

/// <summary>
/// A channel's access token: the long-lived token in the secret store when there is one,
/// otherwise a stateless token minted with the LINE channel id and channel secret and cached for
/// less than its life (LINE's stateless tokens last 15 minutes and cannot be revoked).
/// </summary>
public sealed class ChannelAccessTokenProvider(ChannelRepository repository, IChannelSecretStore secrets, LineAccountClient line, TimeProvider clock)
    : IChannelAccessTokenProvider
{
    /// <summary>A minted token is used until this long before it expires.</summary>
    public static readonly TimeSpan ExpiryMargin = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset UseUntil)> _minted = new(StringComparer.Ordinal);

    public async ValueTask<string> GetTokenAsync(string channelId, CancellationToken cancellationToken)
    {
        var stored = await secrets.GetAsync(channelId, refresh: false, cancellationToken);
        if (stored.AccessToken is { } longLived)
        {
            return longLived;
        }

        if (_minted.TryGetValue(channelId, out var minted) && clock.GetUtcNow() < minted.UseUntil)
        {
            return minted.Token;
        }

        var channel = await repository.GetSummaryAsync(channelId, cancellationToken)
            ?? throw new ChannelOperationException(ChannelFailure.NotFound, $"There is no channel '{channelId}'.");
        if (channel.LineChannelId is null || stored.ChannelSecret is null)
        {
            var missing = channel.LineChannelId is null
                ? new ChannelProblem(ChannelTables.Channels, channelId, ChannelProperties.LineChannelId, "required to mint channel access tokens when no long-lived token is stored")
                : new ChannelProblem("Key Vault", ChannelSecretNames.ChannelSecret(channelId), null, "the channel secret is required to mint channel access tokens when no long-lived token is stored");
            throw new ChannelConfigurationException(channelId, [missing]);
        }

        var issued = await line.IssueStatelessTokenAsync(channel.LineChannelId, stored.ChannelSecret, cancellationToken);
        _minted[channelId] = (issued.AccessToken, clock.GetUtcNow() + issued.ExpiresIn - ExpiryMargin);
        return issued.AccessToken;
    }

    /// <summary>Drops a minted token, after the channel's credentials changed.</summary>
    public void Forget(string channelId) => _minted.TryRemove(channelId, out _);
}
