using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using LineConnector.Core.Channels;
using LineConnector.Functions.KeyVault;

namespace LineConnector.Functions.Channels;

/// <summary>
/// Channels, their secrets (Key Vault, or configuration in local mode; a re-read forced by a signature
/// that does not match at most once per channel per <see cref="SecretRefreshOptions.MinRefreshInterval"/>)
/// and administration. Settings: sections <c>KeyVault</c> and <c>Secrets</c>.
/// </summary>
public static class ChannelServices
{
    public static IServiceCollection AddChannels(this IServiceCollection services, IConfiguration configuration, bool hostedByFunctions)
    {
        services.AddSingleton<ChannelRepository>();
        services.AddSingleton<ChannelCache>();
        services.AddSingleton<IWebhookChannelSource, StoredWebhookChannels>();
        services.AddSingleton<ChannelAdministration>();
        services.AddSingleton(configuration.GetSection(SecretRefreshOptions.Section).Get<SecretRefreshOptions>() ?? new SecretRefreshOptions());
        services.AddSingleton<SecretRefreshLimit>();

        var keyVault = configuration.GetSection(KeyVaultOptions.Section).Get<KeyVaultOptions>() ?? new KeyVaultOptions();
        if (keyVault.VaultUri is not null)
        {
            services.AddSingleton(keyVault);
            services.AddSingleton(new SecretClient(
                keyVault.VaultUri,
                new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = string.IsNullOrEmpty(keyVault.ClientId) ? null : keyVault.ClientId }),
                new SecretClientOptions
                {
                    // A cold cache is read on the webhook's path: fail fast enough for LINE's 1-2 s (it redelivers a 500).
                    Retry = { MaxRetries = 2, Delay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(500), NetworkTimeout = TimeSpan.FromSeconds(3) },
                }));
            services.AddSingleton<KeyVaultChannelSecrets>();
            services.AddSingleton<IChannelSecretStore>(sp => new RefreshLimitedChannelSecrets(sp.GetRequiredService<KeyVaultChannelSecrets>(), sp.GetRequiredService<SecretRefreshLimit>()));
            services.AddSingleton<IChannelSecretWriter>(sp => sp.GetRequiredService<KeyVaultChannelSecrets>());
        }
        else if (hostedByFunctions)
        {
            throw new InvalidOperationException(
                $"App setting '{KeyVaultOptions.Section}__vaultUri' is missing: set it to the Key Vault that holds the channels' credentials, e.g. https://contoso-line.vault.azure.net/.");
        }
        else
        {
            services.AddSingleton<ConfiguredChannelSecrets>();
            services.AddSingleton<IChannelSecretStore>(sp => new RefreshLimitedChannelSecrets(sp.GetRequiredService<ConfiguredChannelSecrets>(), sp.GetRequiredService<SecretRefreshLimit>()));
            services.AddSingleton<IChannelSecretWriter>(sp => sp.GetRequiredService<ConfiguredChannelSecrets>());
        }

        if (!hostedByFunctions)
        {
            services.AddHostedService<LocalChannelSeeder>();
        }

        return services;
    }
}
