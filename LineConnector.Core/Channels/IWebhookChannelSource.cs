namespace LineConnector.Core.Channels;

/// <summary>What the webhook needs to know of a channel to accept its events.</summary>
/// <param name="Secrets">Channel secrets to verify signatures with, the current one first
/// (a previous one may follow during a rotation's grace period). Never logged.</param>
/// <param name="BotUserId">The LINE bot user id behind the channel, when known: a webhook whose
/// <c>destination</c> differs is refused.</param>
public sealed record WebhookChannel(string ChannelId, IReadOnlyList<string> Secrets, string? BotUserId)
{
    public override string ToString() => $"WebhookChannel {{ ChannelId = {ChannelId}, BotUserId = {BotUserId} }}";
}

public interface IWebhookChannelSource
{
    /// <summary>
    /// The channel, or null when no such channel exists (or it is deleted).
    /// With <paramref name="refreshSecrets"/> the secrets are read again from their store
    /// rather than from a cache (after a signature mismatch: the secret may have been rotated).
    /// Throws the store's exception (<see cref="Storage.TableStoreException"/>, <see cref="SecretStoreException"/>)
    /// when it cannot be reached, and <see cref="DomainException"/> (<see cref="DomainError.Misconfigured"/>)
    /// when the channel cannot take webhooks as configured (no channel secret).
    /// </summary>
    ValueTask<WebhookChannel?> FindAsync(string channelId, bool refreshSecrets, CancellationToken cancellationToken);
}
