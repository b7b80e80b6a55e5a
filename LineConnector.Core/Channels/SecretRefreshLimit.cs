using System.Collections.Concurrent;

namespace LineConnector.Core.Channels;

/// <summary>Settings of forced secret re-reads (section <c>Secrets</c>).</summary>
public sealed class SecretRefreshOptions
{
    public const string Section = "Secrets";

    /// <summary>
    /// A channel's secrets are read again after a signature that does not match, and its destinations'
    /// after a bearer that does not match, each at most once per channel per this interval: wrong signatures cannot make the connector hammer
    /// Key Vault, and a rotated secret is still picked up within the interval.
    /// </summary>
    public TimeSpan MinRefreshInterval { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>At most one forced re-read per key (a channel's secrets, its destinations' secrets) per <see cref="SecretRefreshOptions.MinRefreshInterval"/>.</summary>
public sealed class SecretRefreshLimit(SecretRefreshOptions options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastRefresh = new(StringComparer.Ordinal);

    /// <summary>True, and the re-read is counted, when the last one for <paramref name="key"/> is at least the interval ago.</summary>
    public bool TryStart(string key)
    {
        var now = clock.GetUtcNow();
        while (true)
        {
            if (!_lastRefresh.TryGetValue(key, out var last))
            {
                if (_lastRefresh.TryAdd(key, now))
                {
                    return true;
                }

                continue;
            }

            if (now - last < options.MinRefreshInterval)
            {
                return false;
            }

            if (_lastRefresh.TryUpdate(key, now, last))
            {
                return true;
            }
        }
    }
}

/// <summary>
/// The channel secret store as callers see it: a refresh (after a signature that does not match) reaches
/// the store at most once per channel per <see cref="SecretRefreshOptions.MinRefreshInterval"/>; others
/// are served from its cache.
/// </summary>
public sealed class RefreshLimitedChannelSecrets(IChannelSecretStore store, SecretRefreshLimit limit) : IChannelSecretStore
{
    public ValueTask<ChannelSecrets> GetAsync(string channelId, bool refresh, CancellationToken cancellationToken) =>
        store.GetAsync(channelId, refresh && limit.TryStart("channel:" + channelId), cancellationToken);
}
