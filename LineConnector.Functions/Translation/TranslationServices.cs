using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using LineConnector.Core.Translation;
using LineConnector.Functions.Hosting;
using LineConnector.Functions.KeyVault;

namespace LineConnector.Functions.Translation;

/// <summary>
/// Real-time translation: the stage, the providers' clients, the channels' translator keys (Key Vault, or
/// <c>Channels__{id}__TranslatorKey</c> in local mode) and the app's identity for Azure AI Translator.
/// </summary>
public static class TranslationServices
{
    public static IServiceCollection AddTranslation(this IServiceCollection services, IConfiguration configuration)
    {
        var keyVault = configuration.GetSection(KeyVaultOptions.Section).Get<KeyVaultOptions>();
        if (keyVault?.VaultUri is not null)
        {
            services.AddSingleton<ITranslatorKeys>(sp => new KeyVaultTranslatorKeys(sp.GetRequiredService<SecretClient>(), keyVault, sp.GetRequiredService<TimeProvider>()));
        }
        else
        {
            services.AddSingleton<ITranslatorKeys, ConfiguredTranslatorKeys>();
        }

        // The same identity as Key Vault's (a user-assigned one by its client id).
        var clientId = string.IsNullOrEmpty(keyVault?.ClientId) ? null : keyVault.ClientId;
        services.AddSingleton<IAccessTokenSource>(new ManagedIdentityTokens(new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId })));
        services.AddSingleton(sp => new TextTranslators(CallerTimedHttpClient.Create(), sp.GetRequiredService<ITranslatorKeys>(), sp.GetRequiredService<IAccessTokenSource>()));
        services.AddSingleton<TranslationStage>();
        services.AddSingleton<EnquiryLanguageService>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, TranslationApiJsonContext.Default));
        return services;
    }
}
