using System.CommandLine;
using System.Text.Json.Nodes;
using LineConnector.Cli;
using LineConnector.Tests.Support;

namespace LineConnector.Tests.Cli;

public sealed class RouteCommandsTests : IAsyncLifetime
{
    private const string User = "U0123456789abcdef0123456789abcdef";
    private readonly List<string> _requests = [];
    private ConnectorApp _app = null!;

    public Task InitializeAsync()
    {
        _app = new ConnectorApp();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var root = new RootCommand { RouteCommands.Create(() => new Recording(_requests) { InnerHandler = _app.Server.CreateHandler() }) };
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await root.Parse(["route", "what-if", .. args, "--url", "http://localhost", "--key", "the-function-key"])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task What_if_prints_the_destination_and_why_from_the_admin_API()
    {
        var (exit, output, error) = await RunAsync("--channel", ConnectorApp.ChannelId, "--user", User, "--at", "2026-11-23T10:00:00+09:00");

        error.Should().BeEmpty();
        exit.Should().Be(0);
        output.Should().MatchRegex("destination +desk").And.MatchRegex("enquiry +opens a new one").And.MatchRegex("at +2026-11-23T10:00:00\\+09:00");
        output.Should().Contain("why:").And.Contain("desk is chosen: it is present and has no schedule.");
        _requests.Should().ContainSingle().Which.Should().Be($"GET /api/manage/channels/shop/route/what-if?user={User}&at=2026-11-23T10%3A00%3A00%2B09%3A00 key=the-function-key");
    }

    [Fact]
    public async Task With_json_it_prints_the_APIs_answer()
    {
        var (exit, output, _) = await RunAsync("--channel", ConnectorApp.ChannelId, "--user", User, "--json");

        exit.Should().Be(0);
        JsonNode.Parse(output)!["destinationId"]!.GetValue<string>().Should().Be("desk");
    }

    [Fact]
    public async Task A_refusal_prints_the_problem_and_exits_1()
    {
        var unknown = await RunAsync("--channel", "nope", "--user", User);
        var badTime = await RunAsync("--channel", ConnectorApp.ChannelId, "--user", User, "--at", "tomorrow");

        unknown.Exit.Should().Be(1);
        unknown.Error.Should().Contain("HTTP 404").And.Contain("There is no channel 'nope'.");
        badTime.Exit.Should().Be(1);
        badTime.Error.Should().Contain("at: an ISO 8601 time");
    }

    [Fact]
    public async Task Without_the_required_options_it_is_a_usage_error()
    {
        var root = new RootCommand { RouteCommands.Create(() => _app.Server.CreateHandler()) };
        var error = new StringWriter();

        var exit = await root.Parse(["route", "what-if", "--user", User]).InvokeAsync(new InvocationConfiguration { Output = new StringWriter(), Error = error });

        exit.Should().NotBe(0);
        error.ToString().Should().Contain("--channel");
    }

    private sealed class Recording(List<string> requests) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            requests.Add($"{request.Method} {request.RequestUri!.PathAndQuery} key={string.Join(",", request.Headers.GetValues("x-functions-key"))}");
            return base.SendAsync(request, cancellationToken);
        }
    }
}
