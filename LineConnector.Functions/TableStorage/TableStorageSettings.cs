using Azure.Core;
using Azure.Data.Tables;
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

    /// <summary>
    /// The client's options: its retry of 408, 429, 5xx, refused connections and timeouts, within
    /// what a webhook or queue invocation can wait (the library's default waits 100 s for an answer).
    /// </summary>
    public static TableClientOptions CreateClientOptions()
    {
        var options = new TableClientOptions();
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 4;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(5);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        return options;
    }

    /// <summary>The store the settings describe; throws naming the setting when one is wrong or none is set.</summary>
    public static AzureTableStore CreateStore(IConfiguration configuration) => new(CreateServiceClient(configuration, CreateClientOptions()));

    private static TableServiceClient CreateServiceClient(IConfiguration configuration, TableClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            TableServiceClient client;
            try
            {
                client = new TableServiceClient(section.Value, options);
            }
            catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
            {
                // Neither the string nor the library's message, which may quote part of it (the key).
                throw new InvalidOperationException(
                    $"App setting '{Section}' is not a storage connection string: use UseDevelopmentStorage=true for Azurite, "
                    + "or DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...;EndpointSuffix=core.windows.net (the account's 'Access keys').");
            }

            return client.Uri.Scheme is "https" or "http"
                ? client
                : throw new InvalidOperationException(
                    $"App setting '{Section}': its table endpoint is {client.Uri.Scheme}; DefaultEndpointsProtocol and TableEndpoint may be https or http.");
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
        return new TableServiceClient(endpoint, credential, options);
    }

    /// <summary>A setting's value; null when unset or blank (the sample settings leave them empty).</summary>
    private static string? Setting(IConfigurationSection section, string name) =>
        section[name] is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
