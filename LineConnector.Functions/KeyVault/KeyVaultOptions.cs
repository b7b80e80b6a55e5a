namespace LineConnector.Functions.KeyVault;

/// <summary>Where channel credentials live in Azure (section <c>KeyVault</c>: <c>KeyVault__vaultUri</c>, <c>KeyVault__clientId</c>).</summary>
public sealed class KeyVaultOptions
{
    public const string Section = "KeyVault";

    /// <summary>The vault, e.g. <c>https://contoso-line.vault.azure.net/</c>.</summary>
    public Uri? VaultUri { get; set; }

    /// <summary>Client id of a user-assigned managed identity; empty for the system-assigned one.</summary>
    public string? ClientId { get; set; }

    /// <summary>How long secrets are cached; a signature mismatch re-reads them at once.</summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a replaced channel secret is still accepted on webhooks (events signed before the rotation, LINE's redeliveries).</summary>
    public TimeSpan PreviousSecretGracePeriod { get; set; } = TimeSpan.FromHours(1);
}
