using System.Collections.Concurrent;
using Azure.Security.KeyVault.Secrets;
using LineConnector.Core.Channels;
using LineConnector.Core.Destinations;
using LineConnector.Functions.KeyVault;

namespace LineConnector.Functions.Destinations;

/// <summary>
/// Destination secrets in Azure Key Vault (<see cref="DestinationSecretNames"/>), cached for
/// <see cref="KeyVaultOptions.CacheDuration"/>. Values never reach logs or exceptions.
/// </summary>
public sealed class KeyVaultDestinationSecrets(SecretClient client, KeyVaultOptions options, TimeProvider clock) : IDestinationSecrets
{
    private readonly ConcurrentDictionary<string, (string Secret, DateTimeOffset Expires)> _cache = new(StringComparer.Ordinal);

    public async ValueTask<string> GetAsync(string channelId, string destinationId, bool refresh, CancellationToken cancellationToken)
    {
        var name = DestinationSecretNames.KeyVault(channelId, destinationId);
        if (!refresh && _cache.TryGetValue(name, out var cached) && clock.GetUtcNow() < cached.Expires)
        {
            return cached.Secret;
        }

        var value = (await client.GetSecretOrNullAsync(name, cancellationToken))?.Value;
        if (string.IsNullOrEmpty(value))
        {
            _cache.TryRemove(name, out _);
            throw DestinationSecrets.Missing(channelId, destinationId, $"the Key Vault secret '{name}'");
        }

        _cache[name] = (value, clock.GetUtcNow() + options.CacheDuration);
        return value;
    }
}
