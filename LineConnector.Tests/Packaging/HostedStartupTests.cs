using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using LineConnector.Functions.Hosting;
using LineConnector.Functions.KeyVault;
using LineConnector.Functions.TableStorage;

namespace LineConnector.Tests.Packaging;

/// <summary>
/// The published app started as the Functions host starts it in Azure: from the app's folder, told
/// its port by <c>FUNCTIONS_CUSTOMHANDLER_PORT</c>, with the app settings a deployment of
/// infra/main.bicep gives it (on the default plan, Flex Consumption) as its environment and nothing else.
/// </summary>
[Collection(PublishedFunctionApp.Collection)]
public sealed class HostedStartupTests(PublishedFunctionApp published)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Settings without which the app cannot run under the host (it has no local fallback for them there).</summary>
    public static TheoryData<string> RequiredSettings() =>
    [
        $"{ConnectorHost.ServiceBusSection}__fullyQualifiedNamespace",
        $"{TableStorageSettings.Section}__{TableStorageSettings.TableServiceUri}",
        $"{KeyVaultOptions.Section}__vaultUri",
    ];

    [Fact]
    public async Task With_the_app_settings_the_bicep_sets_the_published_app_starts_under_the_host()
    {
        var port = FreePort();
        using var app = Start(InfrastructureTests.Deployment("FlexConsumption").AppSettings(), port);
        var output = ReadOutputAsync(app);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            var status = await FirstAnswerAsync(app, client, "/api/manage/openapi.json");

            status.Should().Be(HttpStatusCode.OK, "the handler should listen on the host's port with the Azure adapters configured; it wrote: {0}", app.HasExited ? await output : "(still running)");
            var health = await client.GetFromJsonAsync<JsonElement>(HealthEndpoint.Route);
            health.GetProperty("status").GetString().Should().Be("ok");
            health.GetProperty("build").GetString().Should().Be(published.BuildId, "the package reports the build id it was published with, which scripts/deploy-package.sh waits for");
        }
        finally
        {
            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync();
        }
    }

    [Theory]
    [MemberData(nameof(RequiredSettings))]
    public async Task Without_a_setting_the_code_requires_the_published_app_stops_and_names_it(string setting)
    {
        foreach (var plan in InfrastructureTests.PlanNames)
        {
            InfrastructureTests.Deployment(plan).AppSettings().Should().ContainKey(setting, "the Bicep must set what the app cannot run without ({0})", plan);
        }

        var deployed = InfrastructureTests.Deployment("FlexConsumption").AppSettings();

        using var app = Start(deployed.Where(s => s.Key != setting).ToDictionary(), FreePort());
        var output = ReadOutputAsync(app);
        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            await app.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync();
        }

        var written = await output;
        app.ExitCode.Should().NotBe(0, "the app must not run without {0}; it wrote: {1}", setting, written);
        written.Should().Contain($"'{setting}'", "the error names the missing setting");
    }

    private Process Start(IReadOnlyDictionary<string, string> settings, int port)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [Path.Combine(published.Folder, "LineConnector.Functions.dll")])
        {
            WorkingDirectory = published.Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // Only what the host gives the handler: no setting of the test's own environment leaks in.
        var keep = new[] { "PATH", "HOME", "TMPDIR", "DOTNET_ROOT" }.ToDictionary(name => name, Environment.GetEnvironmentVariable);
        start.Environment.Clear();
        foreach (var (name, value) in keep.Where(v => v.Value is not null))
        {
            start.Environment[name] = value;
        }

        foreach (var (name, value) in settings)
        {
            // App Service resolves a Key Vault reference before the process starts: the process sees the secret.
            start.Environment[name] = value.StartsWith("@Microsoft.KeyVault(", StringComparison.Ordinal) ? $"resolved-secret-of-{name}" : value;
        }

        // Nothing leaves this machine: telemetry goes to a closed port on loopback, and the managed
        // identity is asked for tokens on loopback too (App Service gives every process IDENTITY_ENDPOINT
        // and IDENTITY_HEADER, which Azure.Identity prefers to the instance metadata service).
        var closed = $"https://127.0.0.1:{FreePort()}/";
        if (start.Environment.TryGetValue("APPLICATIONINSIGHTS_CONNECTION_STRING", out var telemetry) && telemetry is not null)
        {
            start.Environment["APPLICATIONINSIGHTS_CONNECTION_STRING"] = System.Text.RegularExpressions.Regex.Replace(telemetry, "IngestionEndpoint=[^;]*", "IngestionEndpoint=" + closed);
        }

        start.Environment["IDENTITY_ENDPOINT"] = closed;
        start.Environment["IDENTITY_HEADER"] = "hosted-startup-test";

        start.Environment[ConnectorHost.CustomHandlerPortVariable] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Process.Start(start) ?? throw new InvalidOperationException("The published app did not start.");
    }

    private static async Task<string> ReadOutputAsync(Process app)
    {
        var results = await Task.WhenAll(app.StandardOutput.ReadToEndAsync(), app.StandardError.ReadToEndAsync());
        return string.Join('\n', results);
    }

    /// <summary>The status of the first answer on <paramref name="path"/>; null when the app exits or never answers.</summary>
    private static async Task<HttpStatusCode?> FirstAnswerAsync(Process app, HttpClient client, string path)
    {
        var waited = Stopwatch.StartNew();
        while (!app.HasExited && waited.Elapsed < StartTimeout)
        {
            try
            {
                return (await client.GetAsync(path)).StatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                await Task.Delay(100);
            }
        }

        return null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
