namespace LineConnector.Functions.Privacy;

/// <summary>App settings of section <c>DataProtection</c>.</summary>
public sealed class DataProtectionOptions
{
    public const string Section = "DataProtection";

    /// <summary>
    /// The key of the keyed hash that stands for LINE ids in masked logs: at least 16 characters. In Azure a
    /// Key Vault reference (infra/main.bicep sets one to the secret <c>user-id-hash-key</c>), so that it lives in
    /// Key Vault; one the platform left unresolved stops the app. Unset: a random key per process start (hashes
    /// then differ after a restart). Never logged.
    /// </summary>
    public string? UserIdHashKey { get; set; }

    public override string ToString() => $"DataProtectionOptions {{ UserIdHashKey = {(UserIdHashKey is null ? "none" : "set")} }}";
}
