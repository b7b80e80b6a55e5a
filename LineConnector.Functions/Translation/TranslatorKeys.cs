using System.Collections.Concurrent;
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

        var value = (await client.GetSecretOrNullAsync(name, cancellationToken))?.Value;
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
