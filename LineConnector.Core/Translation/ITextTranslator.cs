namespace LineConnector.Core.Translation;

/// <summary>A translation provider: Azure AI Translator (<see cref="AzureTranslatorClient"/>) or DeepL (<see cref="DeepLClient"/>).</summary>
public interface ITextTranslator
{
    /// <summary>
    /// Translates each text into <paramref name="to"/>, keeping its kept pieces as they are. <paramref name="from"/> null:
    /// the provider detects the language and says which. Throws <see cref="TranslationException"/> when the provider refuses or fails.
    /// </summary>
    Task<IReadOnlyList<TranslatedText>> TranslateAsync(IReadOnlyList<MarkedText> texts, string to, string? from, CancellationToken cancellationToken);
}

/// <param name="DetectedLanguage">The source language as the provider detected it (<see cref="LanguageCode"/>), when it was asked to.</param>
public sealed record TranslatedText(MarkedText Text, string? DetectedLanguage);

/// <summary>
/// A provider refused or failed a translation. Carries the provider's HTTP status (0: not reached, or no answer
/// within the timeout) and its error code; never a key, never the text.
/// </summary>
public sealed class TranslationException(string provider, int status, string? errorCode, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    public string Provider { get; } = provider;

    public int Status { get; } = status;

    /// <summary>The provider's own code (Azure AI Translator's <c>error.code</c>, e.g. <c>401000</c>; DeepL has none but its status), or <c>timeout</c>.</summary>
    public string? ErrorCode { get; } = errorCode;
}

/// <summary>How a client signs its requests. Never logged: <see cref="ToString"/> says only which kind.</summary>
public sealed class TranslatorCredential
{
    private TranslatorCredential(string? key, IAccessTokenSource? tokens)
    {
        Key = key;
        Tokens = tokens;
    }

    /// <summary>The provider's key (Azure <c>Ocp-Apim-Subscription-Key</c>, DeepL <c>DeepL-Auth-Key</c>).</summary>
    public string? Key { get; }

    /// <summary>Microsoft Entra tokens (the app's managed identity) for <see cref="AzureTranslatorClient.Scope"/>.</summary>
    public IAccessTokenSource? Tokens { get; }

    public static TranslatorCredential FromKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return new(key, null);
    }

    public static TranslatorCredential FromTokens(IAccessTokenSource tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        return new(null, tokens);
    }

    public override string ToString() => Key is null ? "TranslatorCredential { managed identity }" : "TranslatorCredential { key }";
}

/// <summary>Bearer tokens of the app's identity (Azure.Identity in the function app).</summary>
public interface IAccessTokenSource
{
    /// <summary>A token for <paramref name="scope"/>; throws <see cref="TranslationException"/> (status 0) when none can be had.</summary>
    ValueTask<string> GetTokenAsync(string scope, CancellationToken cancellationToken);
}

/// <summary>The channels' translator keys (Key Vault in Azure, configuration in local mode). Never logged.</summary>
public interface ITranslatorKeys
{
    /// <summary>The channel's key, null when none is set; throws <see cref="Channels.SecretStoreException"/> when the store cannot be read now.</summary>
    ValueTask<string?> GetAsync(string channelId, CancellationToken cancellationToken);

    /// <summary>Where an operator sets the channel's key (a Key Vault secret name or a setting); never a value.</summary>
    string Where(string channelId);
}

/// <summary>Key Vault name of a channel's translator key: <c>line-{id}-translator-key</c> (see <see cref="Channels.ChannelSecretNames"/>).</summary>
public static class TranslatorKeyNames
{
    public static string KeyVault(string channelId) => $"line-{Channels.ChannelSecretNames.KeyVaultId(channelId)}-translator-key";
}
