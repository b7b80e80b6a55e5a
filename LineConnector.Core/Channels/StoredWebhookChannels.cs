using LineConnector.Core.Storage;

namespace LineConnector.Core.Channels;

/// <summary>
/// What the webhook knows of a channel: its row in the channel store (a deleted channel is
/// unknown) and its secrets, with the previous secret while its grace period lasts.
/// Rows come through <see cref="ChannelCache"/>; a lookup that refreshes secrets reads the
/// row again too. Unknown channels are not cached, so a newly created channel answers LINE's Verify at once.
/// </summary>
public sealed class StoredWebhookChannels(IChannelSecretStore secrets, ChannelCache channels, TimeProvider clock) : IWebhookChannelSource
{
    public async ValueTask<WebhookChannel?> FindAsync(string channelId, bool refreshSecrets, CancellationToken cancellationToken)
    {
        ChannelSummary? channel;
        try
        {
            channel = await channels.GetSummaryAsync(channelId, refreshSecrets, cancellationToken);
        }
        catch (TableStoreException e)
        {
            throw new ChannelStoreUnavailableException($"The channel store could not be read for channel '{channelId}': {e.Message}", e);
        }
        catch (ChannelConfigurationException e)
        {
            throw new ChannelStoreUnavailableException(e.Message, e);
        }

        if (channel is null || channel.Status == ChannelStatus.Deleted)
        {
            return null;
        }

        var stored = await secrets.GetAsync(channelId, refreshSecrets, cancellationToken);
        var accepted = stored.AcceptedAt(clock.GetUtcNow());
        if (accepted.Count == 0)
        {
            throw new ChannelStoreUnavailableException(
                $"Channel '{channelId}' has no channel secret ({ChannelSecretNames.ChannelSecret(channelId)}): set its credentials before LINE can deliver to it.");
        }

        return new WebhookChannel(channelId, accepted, channel.BotUserId);
    }
}
