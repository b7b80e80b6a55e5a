using Azure.Identity;

namespace LineConnector.Functions.TableStorage;

/// <summary>
/// Reads the Table Storage connection from app settings as the Functions host reads a connection
/// named <c>TableStorage</c>: either <c>TableStorage</c> = a connection string (account key,
/// or <c>UseDevelopmentStorage=true</c> for Azurite), or, for a managed identity,
/// <c>TableStorage__tableServiceUri</c> (or <c>TableStorage__accountName</c>) with an optional
/// <c>TableStorage__clientId</c> for a user-assigned identity.
/// </summary>
public static class TableStorageSettings
{
    public const string Section = "TableStorage";
    public const string TableServiceUri = "tableServiceUri";
    public const string AccountName = "accountName";
    public const string ClientId = "clientId";

    /// <summary>True when any of the settings is set.</summary>
    public static bool IsConfigured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        return !string.IsNullOrWhiteSpace(section.Value) || Setting(section, TableServiceUri) is not null || Setting(section, AccountName) is not null;
    }

    /// <summary>The client the settings describe; throws naming the setting when one is wrong or none is set.</summary>
    public static TableStorageClient CreateClient(IConfiguration configuration, TableStorageClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            try
            {
                return new TableStorageClient(section.Value, options);
            }
            catch (FormatException e)
            {
                throw new InvalidOperationException($"App setting '{Section}': {e.Message}", e);
            }
        }

        Uri endpoint;
        if (Setting(section, TableServiceUri) is { } uri)
        {
            if (!Uri.TryCreate(uri, UriKind.Absolute, out endpoint!) || endpoint.Scheme != Uri.UriSchemeHttps)
            {
                throw new InvalidOperationException(
                    $"App setting '{Section}__{TableServiceUri}' is '{uri}': it must be the account's https table endpoint, e.g. https://contoso.table.core.windows.net/.");
            }
        }
        else if (Setting(section, AccountName) is { } account)
        {
            if (account.Length is < 3 or > 24 || !account.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))
            {
                throw new InvalidOperationException(
                    $"App setting '{Section}__{AccountName}' is '{account}': a storage account name has 3 to 24 lowercase letters and digits.");
            }

            endpoint = new Uri($"https://{account}.table.core.windows.net/");
        }
        else
        {
            throw new InvalidOperationException(
                $"No Table Storage is configured: set app setting '{Section}' to a connection string, or '{Section}__{TableServiceUri}' "
                + $"(or '{Section}__{AccountName}') to use the app's managed identity.");
        }

        var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = Setting(section, ClientId) });
        return new TableStorageClient(endpoint, credential, options);
    }

    /// <summary>A setting's value; null when unset or blank (the sample settings leave them empty).</summary>
    private static string? Setting(IConfigurationSection section, string name) =>
        section[name] is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
