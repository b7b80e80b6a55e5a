using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using LineConnector.Cli;
using LineConnector.Core.Channels;
using LineConnector.Tests.Channels;
using LineConnector.Tests.Support;
using LineConnector.Tests.TestSupport;

namespace LineConnector.Tests.Cli;

public sealed class ChannelCommandsTests : IAsyncLifetime
{
    private readonly List<HttpRequestMessage> _requests = [];
    private readonly string _settingsFile = Path.Combine(Path.GetTempPath(), $"channel-{Guid.NewGuid():N}.json");
    private FakeLine _line = null!;
    private ConnectorApp _app = null!;

    public async Task InitializeAsync()
    {
        _line = await FakeLine.StartAsync();
        _line.Add(new FakeLine.Account("1001", "secret-one", "U1111"));
        _line.Add(new FakeLine.Account("1002", "secret-two", "U2222", LongLivedToken: "long-lived-two"));
        _app = ConnectorApp.ForLine(_line.BaseUrl);
        await File.WriteAllTextAsync(_settingsFile, JsonSerializer.Serialize(ChannelSamples.Full(), ChannelJsonContext.Default.ChannelSettings));
    }

    public async Task DisposeAsync()
    {
        File.Delete(_settingsFile);
        await _app.DisposeAsync();
        await _line.DisposeAsync();
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var root = new RootCommand { ChannelCommands.Create(() => new Recording(_requests) { InnerHandler = _app.Server.CreateHandler() }) };
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await root.Parse(["channels", .. args, "--url", "http://localhost", "--key", "the-function-key"])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Create_list_show_and_the_function_key()
    {
        var create = await RunAsync("create", "acme", "--settings", _settingsFile, "--line-channel-id", "1001", "--channel-secret", "secret-one");
        var list = await RunAsync("list");
        var show = await RunAsync("show", "acme");

        create.Exit.Should().Be(0, create.Error);
        create.Output.Should().Contain("bot user id").And.Contain("U1111").And.NotContain("secret-one");
        list.Exit.Should().Be(0);
        list.Output.Split('\n')[0].Should().MatchRegex("^ID +NAME +STATUS +BOT USER ID +LINE CHANNEL ID");
        list.Output.Should().MatchRegex("acme +ご案内 Support +active +U1111 +1001");
        show.Output.Should().Contain("sticky, else time: mon,tue 09:00-18:00 -> desk; fri 22:00-06:00 -> night-desk; other times -> faq-bot")
            .And.MatchRegex("desk +staff +service-bus-queue +desk-enquiries +mon 09:00-12:00,13:00-18:00; sat 22:00-02:00");
        _requests.Should().OnlyContain(r => r.Headers.GetValues("x-functions-key").Single() == "the-function-key");
    }

    [Fact]
    public async Task Json_prints_the_apis_answer()
    {
        await RunAsync("create", "acme", "--settings", _settingsFile, "--line-channel-id", "1001", "--channel-secret", "secret-one");

        var show = await RunAsync("show", "acme", "--json");

        JsonNode.Parse(show.Output)!["settings"]!["routing"]!["fallback"]!["kind"]!.GetValue<string>().Should().Be("time");
    }

    [Fact]
    public async Task Update_sends_the_etag_it_read()
    {
        await RunAsync("create", "acme", "--settings", _settingsFile, "--line-channel-id", "1001", "--channel-secret", "secret-one");
        await File.WriteAllTextAsync(_settingsFile, JsonSerializer.Serialize(ChannelSamples.Settings() with { Name = "Renamed" }, ChannelJsonContext.Default.ChannelSettings));

        var update = await RunAsync("update", "acme", "--settings", _settingsFile);

        update.Exit.Should().Be(0, update.Error);
        update.Output.Should().MatchRegex("name +Renamed");
        _requests.Last().Headers.GetValues("If-Match").Single().Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task Status_changes_and_credentials()
    {
        await RunAsync("create", "acme", "--settings", _settingsFile, "--line-channel-id", "1001", "--channel-secret", "secret-one");

        (await RunAsync("suspend", "acme")).Output.Should().MatchRegex("status +suspended");
        (await RunAsync("resume", "acme")).Output.Should().MatchRegex("status +active");
        var credentials = await RunAsync("set-credentials", "acme", "--channel-secret", "secret-two", "--access-token", "long-lived-two");
        credentials.Output.Should().MatchRegex("bot user id +U2222").And.NotContain("long-lived-two");
        (await RunAsync("delete", "acme")).Output.Should().MatchRegex("status +deleted");
    }

    [Fact]
    public async Task Refusals_print_each_field_and_exit_1()
    {
        await File.WriteAllTextAsync(_settingsFile, JsonSerializer.Serialize(ChannelSamples.Settings() with { Name = new string('n', 41) }, ChannelJsonContext.Default.ChannelSettings));

        var create = await RunAsync("create", "acme", "--settings", _settingsFile, "--line-channel-id", "1001", "--channel-secret", "secret-one");
        var missing = await RunAsync("show", "ghost");

        create.Exit.Should().Be(1);
        create.Error.Should().Contain("error: HTTP 400 The channel is not valid").And.Contain("  settings.name: at most 40 characters (got 41)");
        missing.Exit.Should().Be(1);
        missing.Error.Should().Contain("HTTP 404").And.Contain("There is no channel 'ghost'.");
    }

    [Fact]
    public async Task A_hand_written_settings_file_takes_the_defaults_it_leaves_out()
    {
        // The example of docs/configuration.md.
        await File.WriteAllTextAsync(_settingsFile, """
            {"name": "Acme support", "timeZone": "Asia/Tokyo",
              "destinations": [{"id": "desk", "kind": "staff", "transport": "https-webhook", "webhookUrl": "https://desk.example.com/line",
                                "schedule": {"days": {"mon": ["09:00-18:00"], "tue": ["09:00-18:00"]}}}],
              "routing": {"kind": "alternative", "targets": [{"destination": "desk"}]},
              "autoMessages": {"welcome": {"enabled": true}}, "staffNameFormat": "first"}
            """);

        var create = await RunAsync("create", "acme", "--settings", _settingsFile, "--line-channel-id", "1001", "--channel-secret", "secret-one", "--json");

        create.Exit.Should().Be(0, create.Error);
        var settings = JsonSerializer.Deserialize(JsonNode.Parse(create.Output)!["settings"], ChannelJsonContext.Default.ChannelSettings)!;
        settings.MissedEnquiryTimeoutSeconds.Should().Be(60);
        settings.AutoMessages.Welcome.Should().Be(new AutoMessage(true));
        settings.AutoMessages.Away.Enabled.Should().BeFalse();
        settings.Destinations.Single().Schedule!.Days.Keys.Should().BeEquivalentTo([DayOfWeek.Monday, DayOfWeek.Tuesday]);
    }

    [Fact]
    public async Task A_bad_settings_file_is_reported_with_where()
    {
        await File.WriteAllTextAsync(_settingsFile, "{\"name\": \"x\", \"routing\": {\"kind\": \"random\"}}");

        var create = await RunAsync("create", "acme", "--settings", _settingsFile, "--line-channel-id", "1001", "--channel-secret", "secret-one");

        create.Exit.Should().Be(2);
        create.Error.Should().Contain("$.routing.kind").And.Contain("must be alternative, percentage, time or sticky");
        _requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Without_a_url_it_says_how_to_give_one()
    {
        var root = new RootCommand { ChannelCommands.Create(() => _app.Server.CreateHandler()) };
        var error = new StringWriter();
        Environment.GetEnvironmentVariable(ManageApiClient.UrlVariable).Should().BeNull("the test relies on the variable being unset");

        var exit = await root.Parse(["channels", "list"]).InvokeAsync(new InvocationConfiguration { Output = new StringWriter(), Error = error });

        exit.Should().Be(2);
        error.ToString().Should().Contain("pass --url or set LINE_CONNECTOR_URL");
    }

    private sealed class Recording(List<HttpRequestMessage> requests) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (requests)
            {
                requests.Add(request);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
