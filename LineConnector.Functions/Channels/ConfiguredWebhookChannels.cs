using LineConnector.Core.Channels;

namespace LineConnector.Functions.Channels;

/// <summary>
/// Channels declared in configuration, for local mode: <c>Channels__{id}__ChannelSecret</c>
/// (and optionally <c>__PreviousChannelSecret</c>, <c>__BotUserId</c>) in <c>local.settings.json</c>
/// or the environment. Configuration is re-read on every lookup, so an edited file takes effect.
/// </summary>
public sealed class ConfiguredWebhookChannels(IConfiguration configuration) : IWebhookChannelSource
{
    public const string Section = "Channels";

    public ValueTask<WebhookChannel?> FindAsync(string channelId, bool refreshSecrets, CancellationToken cancellationToken)
    {
        var channel = configuration.GetSection(Section).GetSection(channelId);
        var secret = channel["ChannelSecret"];
        if (string.IsNullOrEmpty(secret))
        {
            return ValueTask.FromResult<WebhookChannel?>(null);
        }

        List<string> secrets = [secret];
        if (channel["PreviousChannelSecret"] is { Length: > 0 } previous)
        {
            secrets.Add(previous);
        }

        var botUserId = channel["BotUserId"];
        return ValueTask.FromResult<WebhookChannel?>(new WebhookChannel(channelId, secrets, string.IsNullOrEmpty(botUserId) ? null : botUserId));
    }
}
