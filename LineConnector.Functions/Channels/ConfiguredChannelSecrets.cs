using System.Collections.Concurrent;
using LineConnector.Core.Channels;

namespace LineConnector.Functions.Channels;

/// <summary>
/// Channel credentials from configuration, for local mode: <c>Channels__{id}__ChannelSecret</c>,
/// <c>__PreviousChannelSecret</c> (accepted while it is set) and <c>__ChannelAccessToken</c> in
/// <c>local.settings.json</c> or the environment, re-read on every lookup. Credentials written
/// through the admin API are kept in memory on top of them until the app stops.
/// </summary>
public sealed class ConfiguredChannelSecrets(IConfiguration configuration) : IChannelSecretStore, IChannelSecretWriter
{
    public const string ChannelSecretKey = "ChannelSecret";
    public const string PreviousChannelSecretKey = "PreviousChannelSecret";
    public const string AccessTokenKey = "ChannelAccessToken";

    private readonly ConcurrentDictionary<string, ChannelSecrets> _written = new(StringComparer.Ordinal);

    public ValueTask<ChannelSecrets> GetAsync(string channelId, bool refresh, CancellationToken cancellationToken)
    {
        if (_written.TryGetValue(channelId, out var written))
        {
            return ValueTask.FromResult(written);
        }

        var section = configuration.GetSection(LocalChannelSeeder.Section).GetSection(channelId);
        return ValueTask.FromResult(new ChannelSecrets(Value(section, ChannelSecretKey), Value(section, AccessTokenKey), Value(section, PreviousChannelSecretKey), null));
    }

    public async Task WriteAsync(string channelId, ChannelCredentials credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var current = await GetAsync(channelId, refresh: true, cancellationToken);
        var previous = current.ChannelSecret is { } old && old != credentials.ChannelSecret ? old : current.PreviousChannelSecret;
        _written[channelId] = new ChannelSecrets(credentials.ChannelSecret, credentials.AccessToken, previous, null);
    }

    private static string? Value(IConfigurationSection section, string key) => section[key] is { Length: > 0 } value ? value : null;
}
