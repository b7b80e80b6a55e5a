namespace LineConnector.Functions.Privacy;

/// <summary>App settings of section <c>DataProtection</c>.</summary>
public sealed class DataProtectionOptions
{
    public const string Section = "DataProtection";

    /// <summary>
    /// The key of the keyed hash that stands for LINE ids in masked logs: at least 16 characters. In Azure a
    /// Key Vault reference (<c>@Microsoft.KeyVault(SecretUri=...)</c>), so that it lives in Key Vault. Unset: a
    /// random key per process start (hashes then differ after a restart). Never logged.
    /// </summary>
    public string? UserIdHashKey { get; set; }

    public override string ToString() => $"DataProtectionOptions {{ UserIdHashKey = {(UserIdHashKey is null ? "none" : "set")} }}";
}
