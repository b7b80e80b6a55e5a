using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LineConnector.Core.Channels;
using LineConnector.Core.Line;
using LineConnector.Functions.OperatorConsole;
using LineConnector.Tests.Support;
using LineConnector.Tests.TestSupport;

namespace LineConnector.Tests.Console;

/// <summary>The console's pages and the admin routes it needs, on the test server (no browser).</summary>
public sealed class ConsoleApiTests
{
    [Fact]
    public async Task The_console_is_embedded_small_and_self_contained()
    {
        await using var app = new ConnectorApp();
        var client = app.CreateClient(new() { AllowAutoRedirect = false });

        var redirect = await client.GetAsync("/api/console");
        redirect.StatusCode.Should().Be(HttpStatusCode.Redirect);
        redirect.Headers.Location!.ToString().Should().Be("/api/console/");

        long firstLoad = 0;
        var external = new List<string>();
        foreach (var path in ConsoleEndpoints.AssetPaths)
        {
            var response = await client.GetAsync("/api/console/" + path);
            response.StatusCode.Should().Be(HttpStatusCode.OK, path);
            response.Headers.ETag.Should().NotBeNull();
            var body = await response.Content.ReadAsStringAsync();
            firstLoad += Encoding.UTF8.GetByteCount(body);
            // No CDN, no font service: nothing but this app is ever fetched.
            if (System.Text.RegularExpressions.Regex.IsMatch(body, @"(src|href)=""(https?:)?//") || body.Contains("import('http", StringComparison.Ordinal) || body.Contains("from 'http", StringComparison.Ordinal))
            {
                external.Add(path);
            }
        }

        ConsoleEndpoints.AssetPaths.Should().Contain(["index.html", "console.css", "js/app.js", "js/channels.js", "js/playground.js", "js/desk.js", "bot.svg"]);
        external.Should().BeEmpty();
        // Every asset at once is more than a first load takes, and still within its budget.
        firstLoad.Should().BeLessThan(300 * 1024);

        var again = new HttpRequestMessage(HttpMethod.Get, "/api/console/");
        again.Headers.IfNoneMatch.Add((await client.GetAsync("/api/console/")).Headers.ETag!);
        (await client.SendAsync(again)).StatusCode.Should().Be(HttpStatusCode.NotModified);
        (await client.GetAsync("/api/console/nothing.js")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var post = new HttpRequestMessage(HttpMethod.Post, "/api/console/index.html");
        post.Headers.Add(ConsoleAccess.RequestHeader, "1");
        (await client.SendAsync(post)).StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task The_console_reaches_the_admin_api_under_its_own_route()
    {
        await using var app = new ConnectorApp();
        var client = app.CreateClient();

        var direct = await client.GetFromJsonAsync<JsonElement>("/api/manage/channels");
        var throughConsole = await client.GetFromJsonAsync<JsonElement>("/api/console/manage/channels");

        throughConsole.GetRawText().Should().Be(direct.GetRawText());
        throughConsole.GetProperty("channels").EnumerateArray().Select(c => c.GetProperty("id").GetString()).Should().Contain(ConnectorApp.ChannelId);
    }

    [Fact]
    public async Task Limits_come_from_the_rules_the_server_judges_by()
    {
        await using var app = new ConnectorApp();
        var limits = await app.CreateClient().GetFromJsonAsync<JsonElement>("/api/console/manage/limits");

        limits.GetProperty("nameLength").GetInt32().Should().Be(ChannelSettings.MaxNameLength).And.Be(40);
        limits.GetProperty("customInfoLength").GetInt32().Should().Be(ChannelSettings.MaxCustomInfoLength).And.Be(10_000);
        limits.GetProperty("textLength").GetInt32().Should().Be(MessageLimits.MaxTextLength).And.Be(4_999);
        limits.GetProperty("defaultTexts").GetProperty("welcome").GetString().Should().Be(AutoMessages.DefaultWelcomeText);
    }

    [Fact]
    public async Task The_preview_applies_the_staff_name_format_to_the_texts_and_the_sender_name()
    {
        await using var app = new ConnectorApp();
        var client = ConsoleClient(app);

        var response = await client.PostAsJsonAsync("/api/console/manage/message-preview", new
        {
            autoMessages = new { welcome = new { enabled = true, text = "Hi, {staff} here." }, close = new { enabled = true } },
            staffNameFormat = "first-last",
            staff = new { firstName = "Mika", lastName = "Sato" },
        });
        var preview = await response.Content.ReadFromJsonAsync<JsonElement>();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        preview.GetProperty("texts").GetProperty("welcome").GetString().Should().Be("Hi, Mika Sato here.");
        preview.GetProperty("texts").GetProperty("close").GetString().Should().Be(AutoMessages.DefaultCloseText);
        preview.GetProperty("senderName").GetString().Should().Be("Mika Sato");

        var none = await (await client.PostAsJsonAsync("/api/console/manage/message-preview", new
        {
            autoMessages = new { welcome = new { enabled = true, text = "Hi, {staff} here." } },
            staffNameFormat = "none",
            staff = new { firstName = "Mika" },
        })).Content.ReadFromJsonAsync<JsonElement>();
        none.GetProperty("texts").GetProperty("welcome").GetString().Should().Be("Hi, here.");
        (none.TryGetProperty("senderName", out var sender) ? sender.ValueKind : JsonValueKind.Null).Should().Be(JsonValueKind.Null);

        var bad = await client.PostAsJsonAsync("/api/console/manage/message-preview", new { staffNameFormat = "nickname" });
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync()).Should().Contain("staffNameFormat").And.Contain("first-last");
    }

    [Fact]
    public async Task Credentials_are_checked_with_LINE_and_its_bot_is_shown_without_storing_anything()
    {
        await using var line = await FakeLine.StartAsync();
        line.Add(new FakeLine.Account("1657000001", "secret-1", "Uaaaabbbbccccddddeeeeffff00001111", LongLivedToken: "token-1"));
        await using var app = ConnectorApp.ForLine(line.BaseUrl);
        var client = ConsoleClient(app);

        var bot = await client.PostAsJsonAsync("/api/console/manage/line/bot-info", new { channelAccessToken = "token-1", channelSecret = "secret-1" });
        var refused = await client.PostAsJsonAsync("/api/console/manage/line/bot-info", new { channelAccessToken = "not-a-token" });
        var incomplete = await client.PostAsJsonAsync("/api/console/manage/line/bot-info", new { channelSecret = "secret-1" });

        bot.StatusCode.Should().Be(HttpStatusCode.OK);
        var info = await bot.Content.ReadFromJsonAsync<JsonElement>();
        info.GetProperty("userId").GetString().Should().Be("Uaaaabbbbccccddddeeeeffff00001111");
        info.GetProperty("displayName").GetString().Should().Be("Bot 1657000001");
        refused.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await refused.Content.ReadAsStringAsync()).Should().Contain("credentials").And.NotContain("not-a-token");
        incomplete.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await client.GetFromJsonAsync<JsonElement>("/api/manage/channels")).GetProperty("channels").EnumerateArray()
            .Should().NotContain(c => c.GetProperty("botUserId").ValueKind == JsonValueKind.String && c.GetProperty("botUserId").GetString() == "Uaaaabbbbccccddddeeeeffff00001111");
    }

    [Fact]
    public async Task The_simulation_splits_new_enquiries_as_the_percentage_rule_says()
    {
        await using var app = new ConnectorApp();
        var client = app.CreateClient();
        var (settings, etag) = await ReadAsync(client);
        var split = JsonNode.Parse(settings)!.AsObject();
        split["destinations"]!.AsArray().Add(JsonNode.Parse("""{"id":"bot","kind":"bot","transport":"https-webhook","webhookUrl":"https://bot.example.com/line"}"""));
        split["routing"] = JsonNode.Parse("""{"kind":"percentage","targets":[{"destination":"desk","weight":70},{"destination":"bot","weight":30}]}""");
        var put = new HttpRequestMessage(HttpMethod.Put, "/api/manage/channels/shop") { Content = new StringContent(split.ToJsonString(), Encoding.UTF8, "application/json") };
        put.Headers.TryAddWithoutValidation("If-Match", etag);
        (await client.SendAsync(put)).StatusCode.Should().Be(HttpStatusCode.OK);

        var simulation = await client.GetFromJsonAsync<JsonElement>("/api/console/manage/channels/shop/route/simulation?enquiries=2000");

        var shares = simulation.GetProperty("shares").EnumerateArray().ToDictionary(s => s.GetProperty("destinationId").GetString()!, s => s.GetProperty("percent").GetDouble());
        shares["desk"].Should().BeApproximately(70, 4);
        shares["bot"].Should().BeApproximately(30, 4);
        simulation.GetProperty("enquiries").GetInt32().Should().Be(2000);
        (await client.GetAsync("/api/manage/channels/shop/route/simulation?enquiries=0")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData(false, false, null, null, true, null)]
    [InlineData(false, false, null, null, false, 403)]
    [InlineData(true, false, "operator", null, true, 403)]
    [InlineData(true, true, null, null, true, 401)]
    [InlineData(true, true, "not base64!", null, true, 401)]
    [InlineData(true, true, "operator", null, false, null)]
    [InlineData(true, true, "operator", "11111111-2222-3333-4444-555555555555", false, null)]
    [InlineData(true, true, "operator", "99999999-2222-3333-4444-555555555555", false, 403)]
    public void Access_is_local_only_in_local_mode_and_a_signed_in_operator_behind_the_platform_in_Azure(
        bool hosted, bool platformAuth, string? principal, string? group, bool local, int? refusedWith)
    {
        var header = principal == "operator"
            ? Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"auth_typ":"aad","claims":[{"typ":"name","val":"Mika"},{"typ":"groups","val":"11111111-2222-3333-4444-555555555555"}]}"""))
            : principal;

        (ConsoleAccess.Judge(hosted, platformAuth, header, group, local)?.Status).Should().Be(refusedWith);
    }

    [Fact]
    public async Task Changes_through_the_console_need_its_header_so_that_other_sites_cannot_make_them()
    {
        await using var app = new ConnectorApp();
        var client = app.CreateClient();

        var forged = await client.PostAsJsonAsync("/api/console/manage/channels/shop/suspend", new { });
        var fromThePages = await ConsoleClient(app).PostAsJsonAsync("/api/console/manage/message-preview", new { });
        var forgedDesk = await client.PostAsync("/playground/desk/enquiries/shop.0123/close", null);

        forged.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await forged.Content.ReadAsStringAsync()).Should().Contain(ConsoleAccess.RequestHeader);
        (await client.GetFromJsonAsync<JsonElement>("/api/manage/channels/shop")).GetProperty("status").GetString().Should().Be("active");
        fromThePages.StatusCode.Should().Be(HttpStatusCode.OK);
        forgedDesk.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await client.GetAsync("/api/console/manage/limits")).StatusCode.Should().Be(HttpStatusCode.OK, "reading needs no header");
    }

    private static HttpClient ConsoleClient(ConnectorApp app)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add(ConsoleAccess.RequestHeader, "1");
        return client;
    }

    private static async Task<(string Settings, string ETag)> ReadAsync(HttpClient client)
    {
        var response = await client.GetAsync("/api/manage/channels/shop");
        var channel = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (channel.GetProperty("settings").GetRawText(), response.Headers.ETag!.ToString());
    }
}
