using LineConnector.Core.Channels;

namespace LineConnector.Core.Translation;

/// <summary>The client of a channel's provider, signed as its settings say (its key read through <see cref="ITranslatorKeys"/>).</summary>
public sealed class TextTranslators(HttpClient http, ITranslatorKeys keys, IAccessTokenSource tokens)
{
    /// <exception cref="TranslationException">The channel has no key.</exception>
    /// <exception cref="SecretStoreException">The key cannot be read now.</exception>
    public async ValueTask<ITextTranslator> ForAsync(string channelId, TranslationSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var provider = TranslationTexts.Provider.Format(settings.Provider);
        if (settings.Authentication == TranslatorAuthentication.ManagedIdentity)
        {
            return new AzureTranslatorClient(http, new AzureTranslatorClientOptions(settings.Endpoint ?? AzureTranslatorClient.GlobalEndpoint, TranslatorCredential.FromTokens(tokens), settings.Region, settings.ResourceId));
        }

        var key = await keys.GetAsync(channelId, cancellationToken)
            ?? throw new TranslationException(provider, 0, "no-key", $"Channel '{channelId}' has no translator key: set {keys.Where(channelId)}.");
        return settings.Provider == TranslationProvider.DeepL
            ? new DeepLClient(http, new DeepLClientOptions(key, settings.Endpoint))
            : new AzureTranslatorClient(http, new AzureTranslatorClientOptions(settings.Endpoint ?? AzureTranslatorClient.GlobalEndpoint, TranslatorCredential.FromKey(key), settings.Region));
    }
}
