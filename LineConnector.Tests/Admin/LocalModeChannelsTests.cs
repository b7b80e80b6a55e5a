using System.Net;
using System.Text;
using LineConnector.Core.Line;
using LineConnector.Tests.KeyVault;
using LineConnector.Tests.Support;
using LineConnector.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace LineConnector.Tests.Admin;

public sealed class LocalModeChannelsTests : IAsyncLifetime
{
    private FakeLine _line = null!;

    public async Task InitializeAsync() => _line = await FakeLine.StartAsync();

    public async Task DisposeAsync() => await _line.DisposeAsync();

    private static Dictionary<string, string?> Shop(string channelId) => new()
    {
        [$"Channels:{channelId}:ChannelSecret"] = "local-secret",
        [$"Channels:{channelId}:Name"] = "Local shop",
        [$"Channels:{channelId}:Status"] = "active",
        [$"Channels:{channelId}:TimeZone"] = "Europe/Paris",
        [$"Channels:{channelId}:RoutingRule"] = "percentage",
        [$"Channels:{channelId}:BotUserId"] = "Ulocal",
        [$"Channels:{channelId}:Destinations:bot:Kind"] = "bot",
        [$"Channels:{channelId}:Destinations:bot:Transport"] = "https-webhook",
        [$"Channels:{channelId}:Destinations:bot:WebhookUrl"] = "http://localhost:7072/enquiries",
        [$"Channels:{channelId}:Routing:percentage-01:Destination"] = "bot",
        [$"Channels:{channelId}:Routing:percentage-01:Weight"] = "100",
    };

    private static async Task<HttpStatusCode> WebhookAsync(HttpClient http, string channelId, string secret)
    {
        var body = Encoding.UTF8.GetBytes("{\"destination\":\"Ulocal\",\"events\":[]}");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/line/{channelId}") { Content = new ByteArrayContent(body) };
        request.Headers.Add(LineSignature.HeaderName, LineSignature.Compute(body, secret));
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task Channels_in_configuration_are_served_from_the_in_memory_store()
    {
        await using var app = ConnectorApp.ForLine(_line.BaseUrl, Shop("shop"));
        using var http = app.CreateClient();

        (await WebhookAsync(http, "shop", "local-secret")).Should().Be(HttpStatusCode.OK);
        (await WebhookAsync(http, "shop", "other")).Should().Be(HttpStatusCode.Unauthorized);
        var channel = await http.GetStringAsync("/api/manage/channels/shop");
        channel.Should().Contain("\"kind\":\"percentage\"").And.Contain("\"weight\":100").And.Contain("Europe/Paris").And.NotContain("local-secret");
    }

    [Fact]
    public async Task Key_vault_down_makes_the_webhook_answer_500_so_that_line_redelivers()
    {
        var vault = new FakeKeyVault { FailWith = HttpStatusCode.ServiceUnavailable };
        var settings = Shop("shop");
        settings["KeyVault:vaultUri"] = FakeKeyVault.VaultUri.ToString();
        await using var app = ConnectorApp.ForLine(_line.BaseUrl, settings, s => s.AddSingleton(vault.Client()));
        using var http = app.CreateClient();

        (await WebhookAsync(http, "shop", "local-secret")).Should().Be(HttpStatusCode.InternalServerError);

        vault.FailWith = null;
        vault.Set("line-shop-channel-secret", "vault-secret");
        (await WebhookAsync(http, "shop", "vault-secret")).Should().Be(HttpStatusCode.OK, "with a vault configured, secrets come from it, not from configuration");
    }

    [Fact]
    public async Task The_sample_settings_demo_channel_is_valid()
    {
        await using var app = ConnectorApp.ForLine(_line.BaseUrl);
        using var http = app.CreateClient();

        var response = await http.GetAsync("/api/manage/channels/demo");

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_malformed_configured_channel_is_reported_at_start_up_naming_the_row_and_property()
    {
        await using var app = ConnectorApp.ForLine(_line.BaseUrl, new Dictionary<string, string?>(Shop("shop")) { ["Channels:shop:Routing:percentage-01:Weight"] = "90" });

        app.CreateClient().Dispose(); // starts the app, and with it the seeding of configured channels
        app.Logs.Should().Contain(l => l.StartsWith("Error", StringComparison.Ordinal)
            && l.Contains("Local mode: channel shop in configuration cannot be used until it is fixed: Channel 'shop' is misconfigured: table ChannelRouting, row 'percentage-NN': weights must sum to 100 (got 90)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_malformed_configured_channel_fails_the_webhook_with_500_naming_the_property()
    {
        var settings = Shop("shop");
        settings["Channels:shop:Status"] = "on";
        await using var app = ConnectorApp.ForLine(_line.BaseUrl, settings);
        using var http = app.CreateClient();

        (await WebhookAsync(http, "shop", "local-secret")).Should().Be(HttpStatusCode.InternalServerError, "LINE redelivers; the operator fixes the property");

        app.Logs.Should().Contain(l => l.Contains("Channel 'shop' is misconfigured: table Channels, row 'shop', property Status: must be active, suspended or deleted (got 'on')", StringComparison.Ordinal));
        var get = await http.GetAsync("/api/manage/channels/shop");
        get.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await get.Content.ReadAsStringAsync()).Should().Contain("property Status");
    }
}
