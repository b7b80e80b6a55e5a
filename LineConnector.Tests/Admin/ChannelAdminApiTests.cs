using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LineConnector.Core.Channels;
using LineConnector.Tests.Channels;
using LineConnector.Tests.Support;
using LineConnector.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace LineConnector.Tests.Admin;

public sealed class ChannelAdminApiTests : IAsyncLifetime
{
    private FakeLine _line = null!;
    private ConnectorApp _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _line = await FakeLine.StartAsync();
        _line.Add(new FakeLine.Account("1001", "secret-one", "U1111"));
        _line.Add(new FakeLine.Account("1002", "secret-two", "U2222", LongLivedToken: "long-lived-two"));
        _app = ConnectorApp.ForLine(_line.BaseUrl);
        _http = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        await _line.DisposeAsync();
    }

    internal static string CreateBody(string id, ChannelSettings settings, string? lineChannelId, string secret, string? token = null) =>
        JsonSerializer.Serialize(new ChannelCreateRequest(id, settings, new ChannelCredentialsRequest(lineChannelId, secret, token)), ChannelJsonContext.Default.ChannelCreateRequest);

    private Task<HttpResponseMessage> PostAsync(string path, string json) => _http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    private async Task<HttpResponseMessage> PutAsync(string path, string json, string? ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await _http.SendAsync(request);
    }

    private static async Task<JsonNode> JsonAsync(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    [Fact]
    public async Task Create_checks_the_credentials_with_line_and_stores_the_bot_user_id()
    {
        var created = await PostAsync("/api/manage/channels", CreateBody("acme", ChannelSamples.Full(), "1001", "secret-one"));

        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        created.Headers.Location!.ToString().Should().Be("/api/manage/channels/acme");
        created.Headers.ETag.Should().NotBeNull();
        var body = await created.Content.ReadAsStringAsync();
        body.Should().NotContain("secret-one");
        var resource = JsonSerializer.Deserialize(body, ChannelJsonContext.Default.ChannelResource)!;
        resource.BotUserId.Should().Be("U1111");
        resource.LineChannelId.Should().Be("1001");
        resource.Status.Should().Be(ChannelStatus.Active);
        resource.Settings.Should().BeEquivalentTo(ChannelSamples.Full());
        _line.TokensIssued.Should().Be(1, "no long-lived token was given, so a stateless one was minted to read the bot info");

        var read = await _http.GetFromJsonAsync("/api/manage/channels/acme", ChannelJsonContext.Default.ChannelResource);
        read.Should().BeEquivalentTo(resource);
    }

    [Fact]
    public async Task Create_with_a_long_lived_token_uses_it()
    {
        var created = await PostAsync("/api/manage/channels", CreateBody("two", ChannelSamples.Settings(), null, "secret-two", "long-lived-two"));

        created.StatusCode.Should().Be(HttpStatusCode.Created);
        (await JsonAsync(created))["botUserId"]!.GetValue<string>().Should().Be("U2222");
        _line.TokensIssued.Should().Be(0);
    }

    [Fact]
    public async Task Validation_failures_are_problem_details_naming_each_field()
    {
        var settings = ChannelSamples.Settings() with { Name = new string('n', 41), CustomInfo = new string('i', 10_001) };

        var response = await PostAsync("/api/manage/channels", CreateBody("bad id", settings, null, ""));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var errors = (await JsonAsync(response))["errors"]!.AsObject();
        errors.Select(e => e.Key).Should().BeEquivalentTo("id", "settings.name", "settings.customInfo", "credentials.channelSecret", "credentials.lineChannelId");
        errors["settings.name"]![0]!.GetValue<string>().Should().Be("at most 40 characters (got 41)");
        errors["settings.customInfo"]![0]!.GetValue<string>().Should().Be("at most 10,000 characters (got 10,001)");
        _line.BotInfoCalls.Should().Be(0);
    }

    [Fact]
    public async Task A_value_of_the_wrong_kind_names_its_field()
    {
        var body = CreateBody("acme", ChannelSamples.Settings(), "1001", "secret-one").Replace("\"alternative\"", "\"round-robin\"", StringComparison.Ordinal);

        var response = await PostAsync("/api/manage/channels", body);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await JsonAsync(response))["errors"]!.AsObject();
        errors["settings.routing.kind"]![0]!.GetValue<string>().Should().Be("must be alternative, percentage, time or sticky");
    }

    [Fact]
    public async Task Time_windows_and_other_times_take_lists_of_destinations_tried_in_order()
    {
        const string settings = """
            {"name": "Shop", "timeZone": "Asia/Tokyo",
             "destinations": [{"id": "desk", "kind": "staff", "transport": "https-webhook", "webhookUrl": "https://desk.example.com/line"},
                              {"id": "bot", "kind": "bot", "transport": "https-webhook", "webhookUrl": "https://bot.example.com/line"}],
             "routing": {"kind": "time", "timeWindows": [{"days": ["mon", "tue"], "from": "09:00", "to": "18:00", "destinations": ["desk", "bot"]}], "otherTimes": ["bot"]}}
            """;
        var body = "{\"id\": \"shop\", \"settings\": " + settings + ", \"credentials\": {\"lineChannelId\": \"1001\", \"channelSecret\": \"secret-one\"}}";

        var created = await PostAsync("/api/manage/channels", body);

        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var routing = (await JsonAsync(created))["settings"]!["routing"]!;
        routing["timeWindows"]![0]!["destinations"]!.AsArray().Select(d => d!.GetValue<string>()).Should().Equal("desk", "bot");
        routing["otherTimes"]!.AsArray().Select(d => d!.GetValue<string>()).Should().Equal("bot");

        var withoutDestinations = body.Replace("\"destinations\": [\"desk\", \"bot\"]", "\"destination\": \"desk\"", StringComparison.Ordinal).Replace("\"shop\"", "\"shop-2\"", StringComparison.Ordinal);
        var refused = await PostAsync("/api/manage/channels", withoutDestinations);

        refused.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await JsonAsync(refused))["errors"]!.AsObject();
        errors.Single().Key.Should().StartWith("settings.routing.timeWindows");
        errors.Single().Value![0]!.GetValue<string>().Should().Contain("destinations");
    }

    [Fact]
    public async Task Missing_required_settings_are_named()
    {
        var response = await PostAsync("/api/manage/channels", "{\"id\":\"acme\",\"settings\":{\"customInfo\":\"x\"},\"credentials\":{\"lineChannelId\":\"1001\",\"channelSecret\":\"secret-one\"}}");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await JsonAsync(response))["errors"]!.AsObject();
        var message = errors.Single().Value![0]!.GetValue<string>();
        message.Should().Contain("name").And.Contain("timeZone").And.Contain("routing");
    }

    [Fact]
    public async Task Credentials_line_refuses_are_a_400_naming_the_credentials()
    {
        var response = await PostAsync("/api/manage/channels", CreateBody("acme", ChannelSamples.Settings(), "1001", "wrong-secret"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await JsonAsync(response))["errors"]!.AsObject();
        errors["credentials"]![0]!.GetValue<string>().Should().Contain("HTTP 400 invalid_client").And.NotContain("wrong-secret");
        (await _http.GetAsync("/api/manage/channels/acme")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Line_down_is_a_502()
    {
        _line.FailWith = 503;

        var response = await PostAsync("/api/manage/channels", CreateBody("acme", ChannelSamples.Settings(), "1001", "secret-one"));

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
    }

    [Fact]
    public async Task Two_concurrent_creates_for_one_line_account_exactly_one_wins()
    {
        var attempts = Enumerable.Range(0, 6).Select(i => PostAsync("/api/manage/channels", CreateBody($"shop-{i}", ChannelSamples.Settings(), "1001", "secret-one")));

        var responses = await Task.WhenAll(attempts);

        responses.Count(r => r.StatusCode == HttpStatusCode.Created).Should().Be(1);
        responses.Count(r => r.StatusCode == HttpStatusCode.Conflict).Should().Be(5);
        var refusal = await JsonAsync(responses.First(r => r.StatusCode == HttpStatusCode.Conflict));
        refusal["detail"]!.GetValue<string>().Should().Contain("U1111").And.Contain("already backs channel 'shop-");
        var listing = await _http.GetFromJsonAsync("/api/manage/channels", ChannelJsonContext.Default.ChannelListResource);
        listing!.Channels.Where(c => c.Id.StartsWith("shop-", StringComparison.Ordinal)).Should().ContainSingle();
    }

    [Fact]
    public async Task An_existing_id_or_a_look_alike_id_is_a_conflict()
    {
        (await PostAsync("/api/manage/channels", CreateBody("acme_shop", ChannelSamples.Settings(), "1001", "secret-one"))).StatusCode.Should().Be(HttpStatusCode.Created);

        var same = await PostAsync("/api/manage/channels", CreateBody("acme_shop", ChannelSamples.Settings(), null, "secret-two", "long-lived-two"));
        var lookAlike = await PostAsync("/api/manage/channels", CreateBody("Acme-Shop", ChannelSamples.Settings(), null, "secret-two", "long-lived-two"));

        same.StatusCode.Should().Be(HttpStatusCode.Conflict);
        lookAlike.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await JsonAsync(lookAlike))["detail"]!.GetValue<string>().Should().Contain("would share Key Vault secret names with channel 'acme_shop'");
    }

    [Fact]
    public async Task Update_needs_the_current_etag()
    {
        var created = await PostAsync("/api/manage/channels", CreateBody("acme", ChannelSamples.Settings(), "1001", "secret-one"));
        var etag = created.Headers.ETag!.ToString();
        var settings = JsonSerializer.Serialize(ChannelSamples.Settings() with { Name = "Renamed" }, ChannelJsonContext.Default.ChannelSettings);

        (await PutAsync("/api/manage/channels/acme", settings, null)).StatusCode.Should().Be((HttpStatusCode)428);
        var updated = await PutAsync("/api/manage/channels/acme", settings, etag);
        var stale = await PutAsync("/api/manage/channels/acme", settings, etag);

        updated.StatusCode.Should().Be(HttpStatusCode.OK);
        updated.Headers.ETag!.ToString().Should().NotBe(etag);
        (await JsonAsync(updated))["settings"]!["name"]!.GetValue<string>().Should().Be("Renamed");
        stale.StatusCode.Should().Be(HttpStatusCode.PreconditionFailed);
        (await JsonAsync(stale))["title"]!.GetValue<string>().Should().Be("The channel has changed");
    }

    [Fact]
    public async Task Update_validates_like_create()
    {
        var created = await PostAsync("/api/manage/channels", CreateBody("acme", ChannelSamples.Settings(), "1001", "secret-one"));
        var settings = JsonSerializer.Serialize(ChannelSamples.Settings("a", "b") with { Routing = new RoutingRule { Kind = RoutingKind.Percentage, Targets = [new("a", 50), new("b", 51)] } }, ChannelJsonContext.Default.ChannelSettings);

        var response = await PutAsync("/api/manage/channels/acme", settings, created.Headers.ETag!.ToString());

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await JsonAsync(response))["errors"]!["routing.targets"]![0]!.GetValue<string>().Should().Be("weights must sum to 100 (got 101)");
    }

    [Fact]
    public async Task Suspend_resume_and_delete()
    {
        await PostAsync("/api/manage/channels", CreateBody("acme", ChannelSamples.Settings(), "1001", "secret-one"));

        (await JsonAsync(await PostAsync("/api/manage/channels/acme/suspend", "")))["status"]!.GetValue<string>().Should().Be("suspended");
        (await JsonAsync(await PostAsync("/api/manage/channels/acme/resume", "")))["status"]!.GetValue<string>().Should().Be("active");
        (await JsonAsync(await _http.DeleteAsync("/api/manage/channels/acme")))["status"]!.GetValue<string>().Should().Be("deleted");
        (await PostAsync("/api/manage/channels/acme/resume", "")).StatusCode.Should().Be(HttpStatusCode.Conflict);

        // The deleted channel's LINE account may back a new channel.
        (await PostAsync("/api/manage/channels", CreateBody("acme-2", ChannelSamples.Settings(), "1001", "secret-one"))).StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_claim_left_by_a_deleted_channel_does_not_block_its_line_account()
    {
        await PostAsync("/api/manage/channels", CreateBody("old", ChannelSamples.Settings(), "1001", "secret-one"));
        var repository = _app.Services.GetRequiredService<ChannelRepository>();
        // A delete whose release of the claim failed: the channel is deleted but still holds the bot.
        await repository.ChangeAsync("old", "*", c => c with { Status = ChannelStatus.Deleted }, default);

        var created = await PostAsync("/api/manage/channels", CreateBody("new", ChannelSamples.Settings(), "1001", "secret-one"));

        created.StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [Fact]
    public async Task New_credentials_move_the_channel_to_their_line_account()
    {
        await PostAsync("/api/manage/channels", CreateBody("acme", ChannelSamples.Settings(), "1001", "secret-one"));
        var credentials = JsonSerializer.Serialize(new ChannelCredentialsRequest(null, "secret-two", "long-lived-two"), ChannelJsonContext.Default.ChannelCredentialsRequest);

        var response = await PutAsync("/api/manage/channels/acme/credentials", credentials, null);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await response.Content.ReadAsStringAsync();
        body.Should().NotContain("secret-two").And.NotContain("long-lived-two");
        JsonNode.Parse(body)!["botUserId"]!.GetValue<string>().Should().Be("U2222");
        (await PostAsync("/api/manage/channels", CreateBody("other", ChannelSamples.Settings(), "1001", "secret-one"))).StatusCode
            .Should().Be(HttpStatusCode.Created, "the first LINE account is free again");
        (await PutAsync("/api/manage/channels/other/credentials", credentials, null)).StatusCode
            .Should().Be(HttpStatusCode.Conflict, "the second LINE account backs 'acme'");
    }

    [Fact]
    public async Task Unknown_channels_are_404_problems()
    {
        var response = await _http.GetAsync("/api/manage/channels/ghost");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await JsonAsync(response))["detail"]!.GetValue<string>().Should().Be("There is no channel 'ghost'.");
    }

    [Fact]
    public async Task The_openapi_document_describes_the_admin_api()
    {
        var response = await _http.GetAsync("/api/manage/openapi.json");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var paths = (await JsonAsync(response))["paths"]!.AsObject().Select(p => p.Key).ToList();
        paths.Should().Contain(["/api/manage/channels", "/api/manage/channels/{id}", "/api/manage/channels/{id}/credentials", "/api/manage/channels/{id}/suspend", "/api/manage/channels/{id}/resume"]);
    }
}
