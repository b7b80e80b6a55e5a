namespace LineConnector.Functions.TableStorage;

/// <summary>
/// A storage connection string reduced to what the Table service needs: its endpoint, the account
/// name and the account key. Accepts <c>UseDevelopmentStorage=true</c> (Azurite on its default
/// port) and <c>DefaultEndpointsProtocol=...;AccountName=...;AccountKey=...[;EndpointSuffix=...][;TableEndpoint=...]</c>.
/// Errors name the problem but never repeat the string: it holds the key.
/// </summary>
public sealed class TableStorageConnectionString
{
    /// <summary>Azurite's well-known development account (public, documented for the storage emulators).</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private TableStorageConnectionString(Uri tableEndpoint, string accountName, byte[] accountKey)
    {
        TableEndpoint = tableEndpoint;
        AccountName = accountName;
        AccountKey = accountKey;
    }

    public Uri TableEndpoint { get; }

    public string AccountName { get; }

    internal byte[] AccountKey { get; }

    public static TableStorageConnectionString Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var segments = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var i = 0; i < segments.Length; i++)
        {
            var equals = segments[i].IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw Invalid($"its part {i + 1} is not of the form Name=Value");
            }

            values[segments[i][..equals].Trim()] = segments[i][(equals + 1)..].Trim();
        }

        if (values.Count == 0)
        {
            throw Invalid("it is empty");
        }

        if (values.ContainsKey("SharedAccessSignature"))
        {
            throw Invalid("shared access signatures are not supported; use AccountName and AccountKey, or a managed identity (TableStorage__tableServiceUri)");
        }

        if (values.TryGetValue("UseDevelopmentStorage", out var development))
        {
            if (!bool.TryParse(development, out var useDevelopment) || !useDevelopment)
            {
                throw Invalid("UseDevelopmentStorage may only be 'true'");
            }

            var endpoint = values.TryGetValue("TableEndpoint", out var developmentEndpoint)
                ? Endpoint(developmentEndpoint)
                : new Uri($"http://127.0.0.1:10002/{DevelopmentAccountName}");
            return new TableStorageConnectionString(endpoint, DevelopmentAccountName, Convert.FromBase64String(DevelopmentAccountKey));
        }

        var accountName = Required(values, "AccountName");
        var key = Required(values, "AccountKey");
        var accountKey = new byte[key.Length];
        if (!Convert.TryFromBase64String(key, accountKey, out var keyLength) || keyLength == 0)
        {
            throw Invalid("AccountKey is not base64 (copy it from the storage account's 'Access keys')");
        }

        Uri tableEndpoint;
        if (values.TryGetValue("TableEndpoint", out var explicitEndpoint))
        {
            tableEndpoint = Endpoint(explicitEndpoint);
        }
        else
        {
            var protocol = values.GetValueOrDefault("DefaultEndpointsProtocol", "https");
            if (protocol is not ("https" or "http"))
            {
                throw Invalid($"DefaultEndpointsProtocol is '{protocol}'; it may be https or http");
            }

            var suffix = values.GetValueOrDefault("EndpointSuffix", "core.windows.net");
            tableEndpoint = Endpoint($"{protocol}://{accountName}.table.{suffix}");
        }

        return new TableStorageConnectionString(tableEndpoint, accountName, accountKey[..keyLength]);
    }

    private static string Required(Dictionary<string, string> values, string name) =>
        values.TryGetValue(name, out var value) && value.Length > 0 ? value : throw Invalid($"{name} is missing");

    private static Uri Endpoint(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"
            ? uri
            : throw Invalid("TableEndpoint is not an absolute http or https URL");

    private static FormatException Invalid(string problem) => new($"The Table Storage connection string is not valid: {problem}.");
}
