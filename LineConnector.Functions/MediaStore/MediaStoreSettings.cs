using Azure.Identity;
using Azure.Storage.Blobs;

namespace LineConnector.Functions.MediaStore;

/// <summary>
/// Where converted media are kept (section <c>MediaStore</c>): <c>MediaStore</c> = a storage connection string
/// (account-key SAS; Azurite: <c>UseDevelopmentStorage=true</c> or its blob endpoint), or, under a managed
/// identity, <c>MediaStore__blobServiceUri</c> with an optional <c>MediaStore__clientId</c> (user-delegation SAS:
/// the identity needs Storage Blob Data Contributor on the container, which the deployment grants).
/// <c>MediaStore__container</c> (default <c>line-media</c>) and <c>MediaStore__urlLifetime</c> (default one day)
/// complete it. Unset: AAC in ADTS is refused naming the conversion, as before.
/// </summary>
public static class MediaStoreSettings
{
    public const string Section = "MediaStore";
    public const string BlobServiceUri = "blobServiceUri";
    public const string ClientId = "clientId";
    public const string Container = "container";
    public const string UrlLifetimeKey = "urlLifetime";
    public const string DefaultContainer = "line-media";

    public static readonly TimeSpan UrlLifetime = TimeSpan.FromDays(1);

    public static bool IsConfigured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        return !string.IsNullOrWhiteSpace(section.Value) || Setting(section, BlobServiceUri) is not null;
    }

    /// <summary>The store the settings describe; throws naming the setting when one is wrong.</summary>
    public static BlobMediaStore CreateStore(IConfiguration configuration, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        var name = Setting(section, Container) ?? DefaultContainer;
        var lifetime = UrlLifetime;
        if (Setting(section, UrlLifetimeKey) is { } text && (!TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out lifetime) || lifetime <= TimeSpan.Zero || lifetime > TimeSpan.FromDays(7)))
        {
            throw new InvalidOperationException($"App setting '{Section}__{UrlLifetimeKey}' is '{text}': a time span above zero and at most 7 days (a user delegation SAS lives at most 7 days), e.g. 1.00:00:00.");
        }

        BlobServiceClient service;
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            try
            {
                service = new BlobServiceClient(section.Value);
            }
            catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
            {
                // Neither the string nor the library's message, which may quote part of it (the key).
                throw new InvalidOperationException($"App setting '{Section}' is not a storage connection string with an account key (for Azurite: UseDevelopmentStorage=true).");
            }
        }
        else if (Setting(section, BlobServiceUri) is { } uri && Uri.TryCreate(uri, UriKind.Absolute, out var endpoint) && endpoint.Scheme == Uri.UriSchemeHttps)
        {
            service = new BlobServiceClient(endpoint, new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = Setting(section, ClientId) }));
        }
        else
        {
            throw new InvalidOperationException($"App setting '{Section}__{BlobServiceUri}' must be the account's https blob endpoint, e.g. https://contoso.blob.core.windows.net/.");
        }

        return new BlobMediaStore(service, name, lifetime, clock);
    }

    private static string? Setting(IConfigurationSection section, string name) =>
        section[name] is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
