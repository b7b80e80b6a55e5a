namespace LineConnector.Core.Channels;

/// <summary>
/// A channel's LINE credentials as the secret store holds them. Never logged: <see cref="ToString"/>
/// tells only which are present.
/// </summary>
/// <param name="ChannelSecret">Signs webhooks (HMAC-SHA256) and mints stateless tokens; null when not set.</param>
/// <param name="AccessToken">A long-lived channel access token; null: tokens are minted from the secret.</param>
/// <param name="PreviousChannelSecret">The secret before the last rotation, still accepted on webhooks until <paramref name="PreviousAcceptedUntil"/>.</param>
/// <param name="PreviousAcceptedUntil">Null: accepted while it is set.</param>
public sealed record ChannelSecrets(string? ChannelSecret, string? AccessToken, string? PreviousChannelSecret, DateTimeOffset? PreviousAcceptedUntil)
{
    public static ChannelSecrets None { get; } = new(null, null, null, null);

    /// <summary>The secrets a webhook signature may be made with at <paramref name="now"/>, the current one first.</summary>
    public IReadOnlyList<string> AcceptedAt(DateTimeOffset now)
    {
        List<string> accepted = [];
        if (ChannelSecret is { Length: > 0 } current)
        {
            accepted.Add(current);
        }

        if (PreviousChannelSecret is { Length: > 0 } previous && (PreviousAcceptedUntil is null || now < PreviousAcceptedUntil))
        {
            accepted.Add(previous);
        }

        return accepted;
    }

    public override string ToString() =>
        $"ChannelSecrets {{ ChannelSecret = {(ChannelSecret is null ? "none" : "set")}, AccessToken = {(AccessToken is null ? "none" : "set")}, PreviousChannelSecret = {(PreviousChannelSecret is null ? "none" : "set")}, PreviousAcceptedUntil = {PreviousAcceptedUntil:O} }}";
}

/// <summary>New LINE credentials for a channel, as an operator gives them. Never logged.</summary>
/// <param name="AccessToken">A long-lived token; null to mint stateless tokens from the channel secret.</param>
public sealed record ChannelCredentials(string ChannelSecret, string? AccessToken)
{
    public override string ToString() => $"ChannelCredentials {{ ChannelSecret = set, AccessToken = {(AccessToken is null ? "none" : "set")} }}";
}

/// <summary>Reads channel credentials (Key Vault in Azure, configuration in local mode).</summary>
public interface IChannelSecretStore
{
    /// <summary>
    /// The channel's secrets (<see cref="ChannelSecrets.None"/> when none are stored), from a cache
    /// unless <paramref name="refresh"/>. Throws <see cref="SecretStoreException"/> when the store
    /// cannot be read. Callers that refresh after a mismatch go through <see cref="RefreshLimitedChannelSecrets"/>.
    /// </summary>
    ValueTask<ChannelSecrets> GetAsync(string channelId, bool refresh, CancellationToken cancellationToken);
}

/// <summary>Writes channel credentials; the replaced channel secret stays accepted for a grace period.</summary>
public interface IChannelSecretWriter
{
    /// <summary>Throws <see cref="SecretStoreException"/> when the store cannot be written.</summary>
    Task WriteAsync(string channelId, ChannelCredentials credentials, CancellationToken cancellationToken);
}

/// <summary>
/// The secret store (Key Vault in Azure) could not be read or written now: the one exception of the
/// secret store, for channel and destination secrets alike; the caller retries later. Never holds a secret value.
/// </summary>
public sealed class SecretStoreException(string message, int status, Exception? innerException = null) : Exception(message, innerException)
{
    /// <summary>The store's HTTP status; 0 when it could not be reached.</summary>
    public int Status { get; } = status;
}

/// <summary>
/// Key Vault secret names of a channel: <c>line-{id}-channel-secret</c>, <c>line-{id}-access-token</c>,
/// <c>line-{id}-channel-secret-previous</c>. Key Vault names are case-insensitive and allow only
/// letters, digits and '-', so the id is written in lower case with '_' as '-'; two channel ids
/// that would share names cannot both exist (see <see cref="ChannelTables.SecretNamePartition"/>).
/// </summary>
public static class ChannelSecretNames
{
    /// <summary>Tag of the previous secret: until when (ISO 8601, UTC) webhooks signed with it are accepted.</summary>
    public const string AcceptedUntilTag = "accepted-until";

    public static string KeyVaultId(string channelId) => channelId.ToLowerInvariant().Replace('_', '-');

    public static string ChannelSecret(string channelId) => $"line-{KeyVaultId(channelId)}-channel-secret";

    public static string AccessToken(string channelId) => $"line-{KeyVaultId(channelId)}-access-token";

    public static string PreviousChannelSecret(string channelId) => $"line-{KeyVaultId(channelId)}-channel-secret-previous";
}
