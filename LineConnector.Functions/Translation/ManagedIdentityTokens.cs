using Azure.Core;
using LineConnector.Core.Translation;

namespace LineConnector.Functions.Translation;

/// <summary>Tokens of the app's managed identity (Azure.Identity caches and renews them).</summary>
public sealed class ManagedIdentityTokens(TokenCredential credential) : IAccessTokenSource
{
    public async ValueTask<string> GetTokenAsync(string scope, CancellationToken cancellationToken)
    {
        try
        {
            return (await credential.GetTokenAsync(new TokenRequestContext([scope]), cancellationToken)).Token;
        }
        catch (Exception e) when (e is Azure.Identity.AuthenticationFailedException or Azure.Identity.CredentialUnavailableException)
        {
            throw new TranslationException(AzureTranslatorClient.ProviderName, 0, "no-token", $"The app's identity got no token for Azure AI Translator: {e.GetType().Name}.", e);
        }
    }
}
