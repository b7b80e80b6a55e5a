namespace LineConnector.Core.Channels;

/// <summary>
/// What the webhook knows of a channel: its row in the channel store (a deleted channel is
/// unknown) and its secrets, with the previous secret while its grace period lasts.
/// Rows come through <see cref="ChannelCache"/>; a lookup that refreshes secrets reads the
/// row again too, at most once per channel per <see cref="SecretRefreshOptions.MinRefreshInterval"/>
/// (the secret store limits its own re-reads: <see cref="RefreshLimitedChannelSecrets"/>). Unknown
/// channels are not cached, so a newly created channel answers LINE's Verify at once. Table and
/// secret store failures pass through (the webhook answers 503 and LINE redelivers).
/// </summary>
public sealed class StoredWebhookChannels(IChannelSecretStore secrets, ChannelCache channels, SecretRefreshLimit limit, TimeProvider clock)
    : IWebhookChannelSource
{
    public async ValueTask<WebhookChannel?> FindAsync(string channelId, bool refreshSecrets, CancellationToken cancellationToken)
    {
        var channel = await channels.GetSummaryAsync(channelId, refreshSecrets && limit.TryStart("webhook-row:" + channelId), cancellationToken);
        if (channel is null || channel.Status == ChannelStatus.Deleted)
        {
            return null;
        }

        var stored = await secrets.GetAsync(channelId, refreshSecrets, cancellationToken);
        var accepted = stored.AcceptedAt(clock.GetUtcNow());
        if (accepted.Count == 0)
        {
            throw new DomainException(DomainError.Misconfigured,
                $"Channel '{channelId}' has no channel secret ({ChannelSecretNames.ChannelSecret(channelId)}): set its credentials before LINE can deliver to it.");
        }

        return new WebhookChannel(channelId, accepted, channel.BotUserId);
    }
}
