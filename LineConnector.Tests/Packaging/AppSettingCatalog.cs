using System.Reflection;
using LineConnector.Core.Channels;
using LineConnector.Core.Destinations;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Line.Api;
using LineConnector.Core.Outbound;
using LineConnector.Functions.Channels;
using LineConnector.Functions.Hosting;
using LineConnector.Functions.KeyVault;
using LineConnector.Functions.LocalMode;
using LineConnector.Functions.OperatorConsole;
using LineConnector.Functions.TableStorage;

namespace LineConnector.Tests.Packaging;

/// <summary>
/// Who reads an app setting (<c>Section__Name</c>, as in Azure and local.settings.json): the
/// Functions host and the platform, or the app, through the sections and option classes its code
/// binds. Names are compared as configuration compares them, ignoring case.
/// </summary>
internal static class AppSettingCatalog
{
    /// <summary>Read by the Functions host or App Service, not by the app.</summary>
    public static readonly IReadOnlySet<string> HostSettings = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "FUNCTIONS_EXTENSION_VERSION",
        "FUNCTIONS_WORKER_RUNTIME",
        "AzureWebJobsStorage",
        "AzureWebJobsStorage__accountName",
        "AzureWebJobsStorage__credential",
        "AzureWebJobsStorage__clientId",
        "WEBSITE_RUN_FROM_PACKAGE",
        "WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID",
        // Read by the host and by the app's exporter too (Hosting/TelemetryServices.cs).
        TelemetryServices.ConnectionStringSetting,
        TelemetryServices.AuthenticationStringSetting,
        // The host's identity-based connection of the Service Bus triggers; the app reads the rest of the section.
        $"{ConnectorHost.ServiceBusSection}__credential",
        // Set by the host for the handler.
        ConnectorHost.CustomHandlerPortVariable,
        // Set by App Service when its authentication is on; the console trusts the signed-in identity only then.
        ConsoleAccess.PlatformAuthVariable,
    };

    /// <summary>Sections the app binds to option classes (<c>services.Configure&lt;T&gt;(GetSection(...))</c>), with those classes.</summary>
    private static readonly IReadOnlyDictionary<string, Type[]> BoundSections = new Dictionary<string, Type[]>(StringComparer.OrdinalIgnoreCase)
    {
        [LineApiClientOptions.Section] = [typeof(LineApiClientOptions)],
        [SecretRefreshOptions.Section] = [typeof(SecretRefreshOptions)],
        [OutboundDeliveryOptions.Section] = [typeof(OutboundDeliveryOptions)],
        [KeyVaultOptions.Section] = [typeof(KeyVaultOptions)],
        [LocalQueueOptions.Section] = [typeof(LocalQueueOptions)],
        [LocalStoreOptions.Section] = [typeof(LocalStoreOptions)],
        [EnquiryOptions.Section] = [typeof(EnquiryOptions)],
        [DestinationWebhookOptions.Section] = [typeof(DestinationWebhookOptions)],
        [TelemetryOptions.Section] = [typeof(TelemetryOptions)],
        [Core.Cost.QuotaWatchOptions.Section] = [typeof(Core.Cost.QuotaWatchOptions)],
        [Functions.Privacy.DataProtectionOptions.Section] = [typeof(Functions.Privacy.DataProtectionOptions)],
    };

    /// <summary>Sections the app reads key by key, with those keys ("" for the section's own value).</summary>
    private static readonly IReadOnlyDictionary<string, string[]> ReadSections = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase)
    {
        [ConnectorHost.ServiceBusSection] = ["fullyQualifiedNamespace", "clientId"],
        [ConsoleAccess.Section] = [ConsoleAccess.AllowedGroupKey],
        [TableStorageSettings.Section] = ["", TableStorageSettings.TableServiceUri, TableStorageSettings.AccountName, TableStorageSettings.ClientId],
        [Functions.MediaStore.MediaStoreSettings.Section] = ["", Functions.MediaStore.MediaStoreSettings.BlobServiceUri, Functions.MediaStore.MediaStoreSettings.ClientId,
            Functions.MediaStore.MediaStoreSettings.Container, Functions.MediaStore.MediaStoreSettings.UrlLifetimeKey],
    };

    /// <summary>Settings of ASP.NET Core itself that the docs and samples use.</summary>
    private static readonly IReadOnlySet<string> FrameworkSettings = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "urls", "ASPNETCORE_URLS" };

    /// <summary>True when the host, the platform or the app reads <paramref name="name"/>.</summary>
    public static bool IsRead(string name) => HostSettings.Contains(name) || IsReadByApp(name);

    /// <summary>
    /// True when the app reads <paramref name="name"/>. <c>*</c> as the last part stands for any
    /// setting of a section; <c>{...}</c> parts stand for a channel, destination or row id.
    /// </summary>
    public static bool IsReadByApp(string name)
    {
        var parts = name.Split("__");
        var section = parts[0];
        if (parts.Length == 1)
        {
            return FrameworkSettings.Contains(name) || (ReadSections.TryGetValue(section, out var own) && own.Contains(""));
        }

        var key = string.Join("__", parts[1..]);
        if (BoundSections.TryGetValue(section, out var types))
        {
            return key == "*" || (parts.Length == 2 && types.Any(t => BindableProperties(t).Contains(key, StringComparer.OrdinalIgnoreCase)));
        }

        if (ReadSections.TryGetValue(section, out var keys))
        {
            return key == "*" || keys.Contains(key, StringComparer.OrdinalIgnoreCase);
        }

        // Local mode: Channels__{id}__{property}, Channels__{id}__Destinations__{id}__{property}, Channels__{id}__Routing__{row}__{property}.
        if (section.Equals(LocalChannelSeeder.Section, StringComparison.OrdinalIgnoreCase))
        {
            return key == "*" || parts.Length == 3 || (parts.Length == 5 && (parts[2].Equals(LocalChannelSeeder.DestinationsKey, StringComparison.OrdinalIgnoreCase)
                || parts[2].Equals(LocalChannelSeeder.RoutingKey, StringComparison.OrdinalIgnoreCase)));
        }

        // Logging__LogLevel__{category}: ASP.NET Core's logging configuration.
        return section.Equals("Logging", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Properties the configuration binder sets from a single value.</summary>
    private static IEnumerable<string> BindableProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } && IsScalar(p.PropertyType))
            .Select(p => p.Name);

    private static bool IsScalar(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(Uri) || t == typeof(TimeSpan) || t == typeof(decimal);
    }
}
