using LineConnector.Core.Channels;

namespace LineConnector.Functions.Channels;

/// <summary>
/// Channel access tokens declared in configuration, for local mode: <c>Channels__{id}__ChannelAccessToken</c>
/// in <c>local.settings.json</c> or the environment. Re-read on every call, so an edited file takes effect.
/// </summary>
public sealed class ConfiguredChannelAccessTokens(IConfiguration configuration) : IChannelAccessTokenProvider
{
    public const string Setting = "ChannelAccessToken";

    public ValueTask<string> GetTokenAsync(string channelId, CancellationToken cancellationToken)
    {
        var token = ChannelId.IsValid(channelId)
            ? configuration.GetSection(LocalChannelSeeder.Section).GetSection(channelId)[Setting]
            : null;
        return string.IsNullOrEmpty(token)
            ? throw new ChannelAccessTokenMissingException(
                channelId,
                $"Channel '{channelId}' has no channel access token: set {LocalChannelSeeder.Section}__{channelId}__{Setting}.")
            : ValueTask.FromResult(token);
    }
}
