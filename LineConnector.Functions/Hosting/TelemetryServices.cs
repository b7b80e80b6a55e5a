using System.Reflection;
using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using LineConnector.Core.Telemetry;
using OpenTelemetry.Instrumentation.AspNetCore;
using OpenTelemetry.Instrumentation.Http;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LineConnector.Functions.Hosting;

/// <summary>
/// OpenTelemetry for the app: the connector's spans and metrics (<see cref="ConnectorTelemetry"/>), and
/// ASP.NET Core's and HttpClient's, as service <see cref="ServiceName"/>. They go to Application Insights
/// when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set (with Microsoft Entra ID as
/// <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> says, the same two settings the Functions host reads),
/// to standard output with <c>Telemetry__Console</c>, and otherwise nowhere.
/// </summary>
public static class TelemetryServices
{
    public const string ServiceName = "line-connector";
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string AuthenticationStringSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    public static IServiceCollection AddTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var connectionString = configuration[ConnectionStringSetting];
        var credential = string.IsNullOrEmpty(connectionString) ? null : Credential(configuration[AuthenticationStringSetting]);
        var version = typeof(TelemetryServices).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName, serviceVersion: version))
            .WithTracing(tracing =>
            {
                tracing.AddSource(ConnectorTelemetry.Name)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation();
                if (!string.IsNullOrEmpty(connectionString))
                {
                    tracing.AddAzureMonitorTraceExporter(o => Configure(o, connectionString, credential));
                }

                if (options.Console)
                {
                    tracing.AddConsoleExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(ConnectorTelemetry.Name).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                if (!string.IsNullOrEmpty(connectionString))
                {
                    metrics.AddAzureMonitorMetricExporter(o => Configure(o, connectionString, credential));
                }

                if (options.Console)
                {
                    metrics.AddConsoleExporter();
                }
            });
        // A path or URL may name a LINE user (the erase route; LINE's API): spans carry it only as a keyed hash,
        // for every channel, as the framework's log lines (Privacy/FrameworkLogMasking.cs).
        services.AddOptions<AspNetCoreTraceInstrumentationOptions>().Configure<Core.Privacy.UserIdHasher>((o, hasher) =>
            o.EnrichWithHttpRequest = (activity, request) => activity.SetTag("url.path", hasher.Mask(request.Path.ToString())));
        services.AddOptions<HttpClientTraceInstrumentationOptions>().Configure<Core.Privacy.UserIdHasher>((o, hasher) =>
            o.EnrichWithHttpRequestMessage = (activity, request) =>
            {
                if (activity.GetTagItem("url.full") is string url)
                {
                    activity.SetTag("url.full", hasher.Mask(url));
                }

                activity.DisplayName = hasher.Mask(activity.DisplayName);
            });
        return services;
    }

    /// <summary>
    /// The credential <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> asks for: the managed identity
    /// (user-assigned with <c>ClientId=...</c>) for <c>Authorization=AAD</c>; none without the setting
    /// (the connection string's key then suffices, where the component allows it).
    /// </summary>
    public static TokenCredential? Credential(string? authenticationString)
    {
        if (string.IsNullOrWhiteSpace(authenticationString))
        {
            return null;
        }

        var entries = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in authenticationString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw Malformed($"'{part}' is not Name=Value");
            }

            entries[part[..equals].Trim()] = part[(equals + 1)..].Trim();
        }

        if (!entries.TryGetValue("Authorization", out var authorization) || !authorization.Equals("AAD", StringComparison.OrdinalIgnoreCase))
        {
            throw Malformed("it needs Authorization=AAD");
        }

        return entries.TryGetValue("ClientId", out var clientId) && clientId.Length > 0
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
    }

    private static void Configure(AzureMonitorExporterOptions exporter, string connectionString, TokenCredential? credential)
    {
        exporter.ConnectionString = connectionString;
        exporter.Credential = credential;
    }

    private static InvalidOperationException Malformed(string why) =>
        new($"App setting '{AuthenticationStringSetting}' is not 'Authorization=AAD' or 'Authorization=AAD;ClientId={{client id}}': {why}.");
}
