using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace LineConnector.Tests.Hosting;

/// <summary>Starts the built handler the way the Functions host does: a process told its port by FUNCTIONS_CUSTOMHANDLER_PORT.</summary>
public class HostedModeTests
{
    private static readonly string AppPath = Path.Combine(AppContext.BaseDirectory, "LineConnector.Functions.dll");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Process Start(int port, string? serviceBusNamespace)
    {
        var start = new ProcessStartInfo("dotnet", [AppPath])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["ServiceBusConnection__fullyQualifiedNamespace"] = serviceBusNamespace;
        start.Environment["Channels__shop__ChannelSecret"] = "hosted-secret";
        start.Environment["TableStorage"] = "UseDevelopmentStorage=true";
        start.Environment["KeyVault__vaultUri"] = "https://contoso-line.vault.azure.net/";
        start.Environment["ASPNETCORE_URLS"] = null;
        return Process.Start(start)!;
    }

    [Fact]
    public async Task Under_the_host_it_listens_on_the_given_port_and_serves_the_function_routes()
    {
        var port = FreePort();
        using var app = Start(port, "contoso.servicebus.windows.net");
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            var ready = false;
            for (var i = 0; i < 150 && !ready && !app.HasExited; i++)
            {
                try
                {
                    // A malformed invocation is refused before any store is read (channels live in Table Storage, not running here).
                    ready = (await client.PostAsync("/LineInbound", new StringContent("not json"))).StatusCode == HttpStatusCode.BadRequest;
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(100);
                }
            }

            ready.Should().BeTrue("the handler should answer on 127.0.0.1:{0}; it wrote: {1}", port, app.HasExited ? await app.StandardError.ReadToEndAsync() : "");
            var body = JsonSerializer.Serialize(JsonSerializer.Serialize("{}"));
            var invocation = $$"""{"Data":{"message":{{body}}},"Metadata":{"MessageId":"\"m1\"","SessionId":"\"shop:U1\"","DeliveryCount":"1"} }""";
            var response = await client.PostAsync("/LineOutbound", new StringContent(invocation, Encoding.UTF8, "application/json"));
            response.StatusCode.Should().Be(HttpStatusCode.OK);
        }
        finally
        {
            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Under_the_host_without_a_Service_Bus_namespace_it_stops_and_names_the_setting()
    {
        using var app = Start(FreePort(), null);
        var stderr = app.StandardError.ReadToEndAsync();
        var stdout = app.StandardOutput.ReadToEndAsync();

        var exited = app.WaitForExit(TimeSpan.FromSeconds(30));
        if (!exited)
        {
            app.Kill(entireProcessTree: true);
        }

        exited.Should().BeTrue();
        app.ExitCode.Should().NotBe(0);
        (await stderr + await stdout).Should().Contain("ServiceBusConnection__fullyQualifiedNamespace");
    }
}
