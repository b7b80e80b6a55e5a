using System.Text.Json.Nodes;
using LineConnector.Tests.Support;
using LineConnector.Tests.TestSupport;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LineConnector.Tests.Admin;

public class FunctionLayoutTests
{
    private static string FunctionsDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "LineConnector.Functions");
            if (File.Exists(Path.Combine(candidate, "LineConnector.Functions.csproj")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("LineConnector.Functions not found above the test's directory.");
    }

    public static TheoryData<string> ManageFunctions() => new(
        Directory.GetDirectories(FunctionsDirectory(), "Manage*").Select(Path.GetFileName).OfType<string>());

    [Theory]
    [MemberData(nameof(ManageFunctions))]
    public async Task Each_admin_function_is_http_only_with_a_function_key_and_a_route_the_app_serves(string function)
    {
        var json = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(FunctionsDirectory(), function, "function.json")))!;
        var bindings = json["bindings"]!.AsArray();

        // Exactly an HTTP trigger and an HTTP output, so that the host proxies the request unchanged.
        bindings.Select(b => b!["type"]!.GetValue<string>()).Should().Equal("httpTrigger", "http");
        var trigger = bindings[0]!;
        trigger["authLevel"]!.GetValue<string>().Should().Be("function");
        var route = trigger["route"]!.GetValue<string>();
        // The Functions host refuses function routes that start with "admin" or "runtime".
        route.Should().NotStartWithEquivalentOf("admin").And.NotStartWithEquivalentOf("runtime");

        await using var line = await FakeLine.StartAsync();
        await using var app = ConnectorApp.ForLine(line.BaseUrl);
        var served = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Route: e.RoutePattern.RawText!.Trim('/'), Methods: e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? []))
            .ToList();
        foreach (var method in trigger["methods"]!.AsArray().Select(m => m!.GetValue<string>().ToUpperInvariant()))
        {
            served.Should().Contain(e => e.Route.Equals("api/" + route, StringComparison.Ordinal) && e.Methods.Contains(method)
                    || (route == "manage/openapi.json" && e.Route == "api/manage/{documentName}.json"),
                $"{function} routes {method} api/{route} to the app");
        }
    }
}
