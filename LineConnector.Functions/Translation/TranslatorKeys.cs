using System.Collections.Concurrent;
using Azure;
using Azure.Security.KeyVault.Secrets;
using LineConnector.Core.Channels;
using LineConnector.Core.Translation;
using LineConnector.Functions.Channels;
using LineConnector.Functions.KeyVault;

namespace LineConnector.Functions.Translation;

/// <summary>Translator keys in Azure Key Vault (<see cref="TranslatorKeyNames"/>), cached for <see cref="KeyVaultOptions.CacheDuration"/>. Values never reach logs or exceptions.</summary>
public sealed class KeyVaultTranslatorKeys(SecretClient client, KeyVaultOptions options, TimeProvider clock) : ITranslatorKeys
{
    private readonly ConcurrentDictionary<string, (string? Key, DateTimeOffset Expires)> _cache = new(StringComparer.Ordinal);

    public async ValueTask<string?> GetAsync(string channelId, CancellationToken cancellationToken)
    {
        var name = TranslatorKeyNames.KeyVault(channelId);
        if (_cache.TryGetValue(name, out var cached) && clock.GetUtcNow() < cached.Expires)
        {
            return cached.Key;
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
            throw new SecretStoreException($"Key Vault could not be reached to read secret '{name}': {e.GetType().Name}.", 0, e);
        }

        var key = string.IsNullOrEmpty(value) ? null : value;
        _cache[name] = (key, clock.GetUtcNow() + options.CacheDuration);
        return key;
    }

    public string Where(string channelId) => $"the Key Vault secret '{TranslatorKeyNames.KeyVault(channelId)}'";
}

/// <summary>Translator keys from configuration, for local mode: <c>Channels__{id}__TranslatorKey</c>, re-read on every call.</summary>
public sealed class ConfiguredTranslatorKeys(IConfiguration configuration) : ITranslatorKeys
{
    public const string KeySetting = "TranslatorKey";

    public ValueTask<string?> GetAsync(string channelId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(configuration.GetSection(LocalChannelSeeder.Section).GetSection(channelId)[KeySetting] is { Length: > 0 } key ? key : null);

    public string Where(string channelId) => $"{LocalChannelSeeder.Section}__{channelId}__{KeySetting}";
}
