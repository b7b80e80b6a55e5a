using System.Net;
using System.Text.Json;
using LineConnector.Functions.Hosting;
using LineConnector.Tests.Support;

namespace LineConnector.Tests.Hosting;

public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Health_answers_ok_with_the_build_id_and_nothing_else()
    {
        await using var app = new ConnectorApp();
        using var client = app.CreateClient();

        using var response = await client.GetAsync(HealthEndpoint.Route);
        var body = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        using var json = JsonDocument.Parse(body);
        json.RootElement.EnumerateObject().Select(p => p.Name).Should().Equal("status", "build");
        json.RootElement.GetProperty("status").GetString().Should().Be("ok");
        json.RootElement.GetProperty("build").GetString().Should().Be(HealthEndpoint.UnstampedBuild, "a build not made by scripts/package.sh carries no build id");
    }

    [Fact]
    public async Task Health_takes_no_other_method()
    {
        await using var app = new ConnectorApp();
        using var client = app.CreateClient();

        using var response = await client.PostAsync(HealthEndpoint.Route, new StringContent(""));

        response.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
    }
}
