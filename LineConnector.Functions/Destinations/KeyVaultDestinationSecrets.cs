using System.Collections.Concurrent;
using Azure;
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

        string? value;
        try
        {
            value = (await client.GetSecretAsync(name, cancellationToken: cancellationToken)).Value.Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            value = null;
        }
        catch (RequestFailedException e)
        {
            throw new SecretStoreException($"Key Vault could not read secret '{name}': HTTP {e.Status} {e.ErrorCode}.", e.Status, e);
        }
        catch (Exception e) when (e is Azure.Identity.AuthenticationFailedException or AggregateException or HttpRequestException)
        {
            // The pipeline's retries end in an AggregateException of each attempt's failure.
            throw new SecretStoreException($"Key Vault could not be reached to read secret '{name}': {e.GetType().Name}.", 0, e);
        }

        if (string.IsNullOrEmpty(value))
        {
            _cache.TryRemove(name, out _);
            throw DestinationSecrets.Missing(channelId, destinationId, $"the Key Vault secret '{name}'");
        }

        _cache[name] = (value, clock.GetUtcNow() + options.CacheDuration);
        return value;
    }
}
