using Azure;
using Azure.Security.KeyVault.Secrets;
using LineConnector.Core.Channels;

namespace LineConnector.Functions.KeyVault;

/// <summary>
/// Reading one secret, and what a Key Vault failure tells its caller: the one home of both for the channel
/// credentials, the destination secrets and the translator keys. Messages name the secret, never its value.
/// </summary>
public static class KeyVaultSecretReads
{
    /// <summary>The secret <paramref name="name"/>, or null when the vault has none of that name.</summary>
    /// <exception cref="SecretStoreException">The vault refused the read or could not be reached.</exception>
    public static async Task<KeyVaultSecret?> GetSecretOrNullAsync(this SecretClient client, string name, CancellationToken cancellationToken)
    {
        try
        {
            return (await client.GetSecretAsync(name, cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        catch (RequestFailedException e)
        {
            throw new SecretStoreException($"Key Vault could not read secret '{name}': HTTP {e.Status} {e.ErrorCode}. {Hint(e.Status)}", e.Status, e);
        }
        catch (Exception e) when (e is Azure.Identity.AuthenticationFailedException or AggregateException or HttpRequestException)
        {
            throw new SecretStoreException($"Key Vault could not be reached to read secret '{name}': {Describe(e)}", 0, e);
        }
    }

    /// <summary>The pipeline's retries end in an AggregateException of every attempt's failure; the last one says most.</summary>
    public static string Describe(Exception e) => e is AggregateException { InnerExceptions.Count: > 0 } all
        ? all.InnerExceptions[^1].Message
        : e.Message;

    /// <summary>What an operator can do about a failed request with this HTTP status (0: no answer).</summary>
    public static string Hint(int status) => status switch
    {
        0 => "Key Vault could not be reached; check KeyVault__vaultUri and the network.",
        401 or 403 => "The app's identity needs the 'Key Vault Secrets Officer' role (or get/set/delete secret permissions) on the vault.",
        409 => "Key Vault keeps a deleted secret of this name (soft delete): recover or purge it in the portal, then try again.",
        429 => "Key Vault is throttling; try again shortly.",
        >= 500 => "Key Vault is unavailable; try again shortly.",
        _ => "",
    };
}
