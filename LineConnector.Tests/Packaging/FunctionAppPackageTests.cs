using System.IO.Compression;
using System.Text.Json;
using LineConnector.Core.Queueing;
using LineConnector.Functions.QueueTriggers;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace LineConnector.Tests.Packaging;

/// <summary>The published function app has the layout the Azure Functions host loads, and every function reaches a handler.</summary>
public sealed class FunctionAppPackageTests(PublishedFunctionApp published) : IClassFixture<PublishedFunctionApp>
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
        host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString().Should().Be("api");
        host.RootElement.GetProperty("extensionBundle").GetProperty("id").GetString().Should().Be("Microsoft.Azure.Functions.ExtensionBundle");
    }

    [Fact]
    public void Every_function_json_is_valid_and_binds_as_the_host_expects()
    {
        var functions = PublishedFunctions();

        functions.Select(f => f.Name).Should().Contain(["LineWebhook", "LineInbound", "LineOutbound"]);
        functions.SelectMany(f => f.Problems()).Should().BeEmpty();
    }

    [Fact]
    public async Task Every_http_function_route_maps_to_an_endpoint_of_the_app()
    {
        var endpoints = await AppEndpointsAsync();
        var httpFunctions = PublishedFunctions().Where(f => f.TriggerType == "httpTrigger").ToList();
        httpFunctions.Should().NotBeEmpty();

        foreach (var function in httpFunctions)
        {
            var pattern = Shape(RoutePatternFactory.Parse("api/" + function.HttpRoute));
            foreach (var method in function.HttpTriggerMethods)
            {
                endpoints.Should().Contain(
                    // The OpenAPI document's route names the document as a parameter; the function routes to the one the app registers.
                    e => Shape(e.RoutePattern).Replace("{documentName}", LineConnector.Functions.Admin.ChannelAdminEndpoints.DocumentName, StringComparison.Ordinal) == pattern && Accepts(e, method),
                    "function {0} is served by the host at {1} {2}, proxied unchanged to the handler", function.Name, method.ToUpperInvariant(), pattern);
            }
        }
    }

    [Fact]
    public async Task Every_queue_function_has_its_invocation_endpoint()
    {
        var endpoints = await AppEndpointsAsync();
        var queueFunctions = PublishedFunctions().Where(f => f.TriggerType == "serviceBusTrigger").ToList();
        queueFunctions.Should().NotBeEmpty();

        foreach (var function in queueFunctions)
        {
            endpoints.Should().Contain(
                e => Shape(e.RoutePattern) == "/" + function.Name.ToLowerInvariant() && Accepts(e, "post"),
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
        var bicepQueues = BicepText.StringArray(BicepText.Infra("main.bicep"), "queueNames");
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
            {"bindings":[{"type":"timerTrigger","direction":"in","name":"timer","schedule":"0 */5 * * * *"}]}
            """).Problems().Should().ContainSingle().Which.Should().Contain("timerTrigger");
        FunctionJson.Parse("UpperCaseMethod", """
            {"bindings":[{"type":"httpTrigger","direction":"in","name":"req","authLevel":"anonymous","methods":["POST"]},{"type":"http","direction":"out","name":"res"}]}
            """).Problems().Should().ContainSingle().Which.Should().Contain("methods");
    }

    private List<FunctionJson> PublishedFunctions() =>
        [.. Directory.EnumerateDirectories(published.Folder)
            .Where(d => File.Exists(Path.Combine(d, "function.json")))
            .Select(FunctionJson.Load)];

    private static async Task<IReadOnlyList<RouteEndpoint>> AppEndpointsAsync()
    {
        await using var factory = new WebApplicationFactory<Program>();
        using var client = factory.CreateClient();
        return [.. factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()];
    }

    private static bool Accepts(RouteEndpoint endpoint, string method) =>
        endpoint.Metadata.GetMetadata<IHttpMethodMetadata>() is not { HttpMethods.Count: > 0 } metadata
        || metadata.HttpMethods.Contains(method, StringComparer.OrdinalIgnoreCase);

    /// <summary>A route's shape: literal segments in lower case and parameter names, without constraints or defaults.</summary>
    private static string Shape(RoutePattern pattern) =>
        "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content.ToLowerInvariant(),
            RoutePatternParameterPart parameter => $"{{{(parameter.IsCatchAll ? "*" : "")}{parameter.Name}{(parameter.IsOptional ? "?" : "")}}}",
            RoutePatternSeparatorPart separator => separator.Content,
            _ => "",
        }))));
}
