using System.IO.Compression;
using System.Text.Json;
using LineConnector.Core.Queueing;
using LineConnector.Functions.QueueTriggers;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace LineConnector.Tests.Packaging;

/// <summary>The published function app has the layout the Azure Functions host loads, and every function reaches a handler.</summary>
[Collection(PublishedFunctionApp.Collection)]
public sealed class FunctionAppPackageTests(PublishedFunctionApp published)
{
    private const string ExecutableName = "LineConnector.Functions";

    [Fact]
    public void Host_json_is_at_the_root_and_names_the_published_executable()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(published.Folder, "host.json")));
        var customHandler = host.RootElement.GetProperty("customHandler");

        var executable = customHandler.GetProperty("description").GetProperty("defaultExecutablePath").GetString();
        executable.Should().Be(ExecutableName);
        var path = Path.Combine(published.Folder, executable!);
        File.Exists(path).Should().BeTrue("the host starts {0} from the app's root", executable);
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(path).Should().HaveFlag(UnixFileMode.UserExecute);
        }

        customHandler.GetProperty("enableProxyingHttpRequest").GetBoolean().Should().BeTrue("the webhook checks the signature on the exact bytes LINE sent");
        // The host binds customHandler onto HttpWorkerOptions by property name (docs/deploy.md, "The
        // host's contract"): enableHttpProxyingRequest, the spelling of the host's first "mcp"
        // profile, binds nothing and leaves proxying off; enableForwardingHttpRequest is the older
        // mode that proxying supersedes; a configurationProfile would drop the "api" route prefix.
        customHandler.TryGetProperty("enableHttpProxyingRequest", out _).Should().BeFalse("the host reads no such key");
        customHandler.TryGetProperty("enableForwardingHttpRequest", out _).Should().BeFalse("proxying is the mode the webhook needs, and the only one set");
        host.RootElement.TryGetProperty("configurationProfile", out _).Should().BeFalse("the custom-handler profiles set routePrefix to \"\"");
        host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString().Should().Be("api");
        host.RootElement.GetProperty("extensionBundle").GetProperty("id").GetString().Should().Be("Microsoft.Azure.Functions.ExtensionBundle");
    }

    [Fact]
    public void Every_function_json_is_valid_and_binds_as_the_host_expects()
    {
        var functions = PublishedFunctions();

        functions.Select(f => f.Name).Should().Contain(["LineWebhook", "LineInbound", "LineOutbound", "Health"]);
        functions.SelectMany(f => f.Problems()).Should().BeEmpty();
    }

    [Fact]
    public async Task Every_http_function_route_maps_to_an_endpoint_of_the_app()
    {
        var endpoints = await AppRoutes.EndpointsAsync();
        var httpFunctions = PublishedFunctions().Where(f => f.TriggerType == "httpTrigger").ToList();
        httpFunctions.Should().NotBeEmpty();

        foreach (var function in httpFunctions)
        {
            var pattern = AppRoutes.Shape(RoutePatternFactory.Parse("api/" + function.HttpRoute));
            foreach (var method in function.HttpTriggerMethods)
            {
                endpoints.Should().Contain(
                    e => AppRoutes.Shape(e.RoutePattern) == pattern && AppRoutes.Accepts(e, method),
                    "function {0} is served by the host at {1} {2}, proxied unchanged to the handler", function.Name, method.ToUpperInvariant(), pattern);
            }
        }
    }

    [Fact]
    public async Task Every_api_route_of_the_app_has_a_function_that_the_host_serves_it_through()
    {
        var endpoints = await AppRoutes.EndpointsAsync();
        var httpFunctions = PublishedFunctions().Where(f => f.TriggerType == "httpTrigger")
            .Select(f => (f.Name, Pattern: AppRoutes.Shape(RoutePatternFactory.Parse("api/" + f.HttpRoute)), f.HttpTriggerMethods))
            .ToList();
        var apiEndpoints = endpoints.Where(e => AppRoutes.Shape(e.RoutePattern).StartsWith("/api/", StringComparison.Ordinal)).ToList();
        apiEndpoints.Should().NotBeEmpty();

        foreach (var endpoint in apiEndpoints)
        {
            var route = AppRoutes.Shape(endpoint.RoutePattern);
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            methods.Should().NotBeEmpty("{0} should be mapped for given methods, as function.json lists them", route);
            foreach (var method in methods)
            {
                httpFunctions.Should().Contain(
                    f => f.Pattern == route && f.HttpTriggerMethods.Contains(method, StringComparer.OrdinalIgnoreCase),
                    "the Functions host passes {0} {1} to the handler only if a function.json routes it", method, route);
            }
        }
    }

    [Fact]
    public async Task Every_queue_function_has_its_invocation_endpoint()
    {
        var endpoints = await AppRoutes.EndpointsAsync();
        var queueFunctions = PublishedFunctions().Where(f => f.TriggerType == "serviceBusTrigger").ToList();
        queueFunctions.Should().NotBeEmpty();

        foreach (var function in queueFunctions)
        {
            endpoints.Should().Contain(
                e => AppRoutes.Shape(e.RoutePattern) == "/" + function.Name.ToLowerInvariant() && AppRoutes.Accepts(e, "post"),
                "the host posts each message of {0} to /{0}", function.Name);
        }
    }

    [Fact]
    public void Every_queue_handler_of_the_app_has_its_function()
    {
        var byName = PublishedFunctions().ToDictionary(f => f.Name);

        foreach (var (name, queue) in QueueTriggerEndpoints.Functions)
        {
            byName.Should().ContainKey(name, "the app maps /{0}, which only a function.json makes the host call", name);
            byName[name].TriggerType.Should().Be("serviceBusTrigger");
            byName[name].QueueName.Should().Be(queue);
        }
    }

    [Fact]
    public void Queue_functions_listen_on_the_queues_the_bicep_creates()
    {
        var bicepQueues = InfrastructureTests.QueueNamesOf(InfrastructureTests.Deployment("FlexConsumption"));
        var triggeredQueues = PublishedFunctions().Where(f => f.TriggerType == "serviceBusTrigger").Select(f => f.QueueName).ToList();

        bicepQueues.Should().BeEquivalentTo([QueueNames.Inbound, QueueNames.Outbound]);
        triggeredQueues.Should().BeEquivalentTo(bicepQueues);
    }

    [Fact]
    public void The_zip_holds_the_published_folder_with_the_handler_still_executable()
    {
        using var zip = ZipFile.OpenRead(published.Zip);
        var publishedFiles = Directory.EnumerateFiles(published.Folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(published.Folder, f).Replace(Path.DirectorySeparatorChar, '/'));

        zip.Entries.Select(e => e.FullName).Should().BeEquivalentTo(publishedFiles);
        zip.Entries.Should().Contain(e => e.FullName == "host.json");
        using (var buildId = new StreamReader(zip.GetEntry("build-id")!.Open()))
        {
            buildId.ReadToEnd().Trim().Should().Be(published.BuildId, "scripts/deploy-package.sh reads the id the new package reports from here");
        }

        var executable = zip.GetEntry(ExecutableName);
        executable.Should().NotBeNull();
        if (!OperatingSystem.IsWindows())
        {
            // Unix mode bits sit in the high 16 bits of the entry's external attributes.
            var mode = (UnixFileMode)((executable!.ExternalAttributes >> 16) & 0x1FF);
            mode.Should().HaveFlag(UnixFileMode.UserExecute, "the Functions host runs the handler straight from the package");
        }
    }

    [Fact]
    public void The_rules_refuse_bindings_the_host_or_the_handler_cannot_serve()
    {
        // The checks above must be able to fail: each of these breaks one rule.
        FunctionJson.Parse("WithOutput", """
            {"bindings":[{"type":"httpTrigger","direction":"in","name":"req","authLevel":"function","methods":["post"],"route":"x"},
                         {"type":"http","direction":"out","name":"res"},{"type":"queue","direction":"out","name":"q"}]}
            """).Problems().Should().ContainSingle().Which.Should().Contain("exactly one other binding");
        FunctionJson.Parse("NoSessions", """
            {"bindings":[{"type":"serviceBusTrigger","direction":"in","name":"message","queueName":"line-inbound","connection":"ServiceBusConnection"}]}
            """).Problems().Should().ContainSingle().Which.Should().Contain("isSessionsEnabled");
        FunctionJson.Parse("KeyConnection", """
            {"bindings":[{"type":"serviceBusTrigger","direction":"in","name":"message","queueName":"line-inbound","connection":"AzureWebJobsServiceBus","isSessionsEnabled":true}]}
            """).Problems().Should().ContainSingle().Which.Should().Contain("connection");
        FunctionJson.Parse("Timer", """
            {"bindings":[{"type":"timerTrigger","direction":"in","name":"timer"}]}
            """).Problems().Should().ContainSingle().Which.Should().Contain("timerTrigger");
        FunctionJson.Parse("TimerWithOutput", """
            {"bindings":[{"type":"timerTrigger","direction":"in","name":"timer","schedule":"0 */5 * * * *"},{"type":"queue","direction":"out","name":"q"}]}
            """).Problems().Should().ContainSingle().Which.Should().Contain("timerTrigger");
        FunctionJson.Parse("UpperCaseMethod", """
            {"bindings":[{"type":"httpTrigger","direction":"in","name":"req","authLevel":"anonymous","methods":["POST"]},{"type":"http","direction":"out","name":"res"}]}
            """).Problems().Should().ContainSingle().Which.Should().Contain("methods");
    }

    private List<FunctionJson> PublishedFunctions() =>
        [.. Directory.EnumerateDirectories(published.Folder)
            .Where(d => File.Exists(Path.Combine(d, "function.json")))
            .Select(FunctionJson.Load)];
}
