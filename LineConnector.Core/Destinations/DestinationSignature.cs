using LineConnector.Core.Channels;
using LineConnector.Core.Line;

namespace LineConnector.Core.Destinations;

/// <summary>
/// How a destination knows a POST came from the connector: <c>X-Connector-Signature</c> =
/// Base64(HMAC-SHA256(destination secret, raw body bytes)), the scheme LINE uses for its own
/// webhooks, so a destination can verify it as it would verify LINE.
/// </summary>
public static class DestinationSignature
{
    public const string Header = "X-Connector-Signature";
    public const string DeliveryIdHeader = "X-Connector-Delivery-Id";

    public static string Compute(ReadOnlySpan<byte> body, string secret) => LineSignature.Compute(body, secret);

    public static bool IsValid(ReadOnlySpan<byte> body, string? signature, string secret) => LineSignature.IsValid(body, signature, secret);
}

/// <summary>
/// Key Vault name of a destination's secret: <c>line-{channel id}-destination-{destination id}-secret</c>,
/// ids in lower case with '_' as '-' (as <see cref="ChannelSecretNames"/> writes channel ids).
/// </summary>
public static class DestinationSecretNames
{
    public static string KeyVault(string channelId, string destinationId) =>
        $"line-{ChannelSecretNames.KeyVaultId(channelId)}-destination-{ChannelSecretNames.KeyVaultId(destinationId)}-secret";
}

/// <summary>Reads destinations' secrets (Key Vault in Azure, configuration in local mode). Never logged.</summary>
public interface IDestinationSecrets
{
    /// <summary>
    /// The destination's secret, from a cache unless <paramref name="refresh"/> (after a mismatch: it may have been rotated).
    /// Throws <see cref="DomainException"/> (<see cref="DomainError.Misconfigured"/>, see <see cref="DestinationSecrets.Missing"/>) when none
    /// is set (retrying will not help) and <see cref="SecretStoreException"/> when the store cannot be read now.
    /// Callers that refresh after a mismatch go through <see cref="RefreshLimitedDestinationSecrets"/>.
    /// </summary>
    ValueTask<string> GetAsync(string channelId, string destinationId, bool refresh, CancellationToken cancellationToken);
}

/// <summary>The refusal of a destination without a secret: nothing can be signed for it or verified from it.</summary>
public static class DestinationSecrets
{
    /// <param name="where">Where to set it (a setting or a Key Vault secret name); never a value.</param>
    public static DomainException Missing(string channelId, string destinationId, string where) =>
        new(DomainError.Misconfigured, $"Destination '{destinationId}' of channel '{channelId}' has no secret: set {where}.");
}
