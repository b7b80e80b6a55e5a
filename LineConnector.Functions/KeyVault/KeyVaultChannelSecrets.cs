using System.Collections.Concurrent;
using System.Globalization;
using Azure;
using Azure.Security.KeyVault.Secrets;
using LineConnector.Core.Channels;

namespace LineConnector.Functions.KeyVault;

/// <summary>
/// Channel credentials in Azure Key Vault (<see cref="ChannelSecretNames"/>), cached for
/// <see cref="KeyVaultOptions.CacheDuration"/>. The previous channel secret is accepted until its
/// <c>accepted-until</c> tag, or for <see cref="KeyVaultOptions.PreviousSecretGracePeriod"/> after
/// it was last written when the tag is absent. Secret values never reach logs or exceptions.
/// </summary>
public sealed partial class KeyVaultChannelSecrets(SecretClient client, KeyVaultOptions options, TimeProvider clock, ILogger<KeyVaultChannelSecrets> logger)
    : IChannelSecretStore, IChannelSecretWriter
{
    private readonly ConcurrentDictionary<string, (ChannelSecrets Secrets, DateTimeOffset Expires)> _cache = new(StringComparer.Ordinal);

    public async ValueTask<ChannelSecrets> GetAsync(string channelId, bool refresh, CancellationToken cancellationToken)
    {
        if (!refresh && _cache.TryGetValue(channelId, out var cached) && clock.GetUtcNow() < cached.Expires)
        {
            return cached.Secrets;
        }

        var secret = client.GetSecretOrNullAsync(ChannelSecretNames.ChannelSecret(channelId), cancellationToken);
        var token = client.GetSecretOrNullAsync(ChannelSecretNames.AccessToken(channelId), cancellationToken);
        var previous = client.GetSecretOrNullAsync(ChannelSecretNames.PreviousChannelSecret(channelId), cancellationToken);
        await Task.WhenAll(secret, token, previous);

        var secrets = new ChannelSecrets((await secret)?.Value, (await token)?.Value, (await previous)?.Value, AcceptedUntil(await previous));
        _cache[channelId] = (secrets, clock.GetUtcNow() + options.CacheDuration);
        return secrets;
    }

    public async Task WriteAsync(string channelId, ChannelCredentials credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var current = await GetAsync(channelId, refresh: true, cancellationToken);
        try
        {
            if (current.ChannelSecret is { } old && old != credentials.ChannelSecret)
            {
                var previous = new KeyVaultSecret(ChannelSecretNames.PreviousChannelSecret(channelId), old);
                previous.Properties.Tags[ChannelSecretNames.AcceptedUntilTag] =
                    (clock.GetUtcNow() + options.PreviousSecretGracePeriod).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
                await client.SetSecretAsync(previous, cancellationToken);
            }

            if (current.ChannelSecret != credentials.ChannelSecret)
            {
                await client.SetSecretAsync(ChannelSecretNames.ChannelSecret(channelId), credentials.ChannelSecret, cancellationToken);
            }

            if (credentials.AccessToken is { } token)
            {
                if (current.AccessToken != token)
                {
                    await client.SetSecretAsync(ChannelSecretNames.AccessToken(channelId), token, cancellationToken);
                }
            }
            else if (current.AccessToken is not null)
            {
                // No long-lived token any more: tokens are minted from the channel secret.
                await client.StartDeleteSecretAsync(ChannelSecretNames.AccessToken(channelId), cancellationToken);
            }
        }
        catch (RequestFailedException e)
        {
            throw new SecretStoreException(
                $"Key Vault refused to write the credentials of channel '{channelId}': HTTP {e.Status} {e.ErrorCode}. {KeyVaultSecretReads.Hint(e.Status)}", e.Status, e);
        }
        catch (Exception e) when (e is Azure.Identity.AuthenticationFailedException or AggregateException)
        {
            throw new SecretStoreException($"Key Vault could not be reached to write the credentials of channel '{channelId}': {KeyVaultSecretReads.Describe(e)}", 0, e);
        }
        finally
        {
            _cache.TryRemove(channelId, out _);
        }
    }

    private DateTimeOffset? AcceptedUntil(KeyVaultSecret? previous)
    {
        if (previous is null)
        {
            return null;
        }

        if (previous.Properties.Tags.TryGetValue(ChannelSecretNames.AcceptedUntilTag, out var tag))
        {
            if (DateTimeOffset.TryParse(tag, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var until))
            {
                return until;
            }

            LogBadTag(previous.Name, ChannelSecretNames.AcceptedUntilTag, tag);
            return DateTimeOffset.MinValue;
        }

        var written = previous.Properties.UpdatedOn ?? previous.Properties.CreatedOn ?? DateTimeOffset.MinValue;
        return written + options.PreviousSecretGracePeriod;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Secret {SecretName} has a tag {Tag} that is not an ISO 8601 time ('{Value}'): the previous channel secret is not accepted until the tag is fixed")]
    private partial void LogBadTag(string secretName, string tag, string value);
}
