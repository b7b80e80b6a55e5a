using System.Net;
using System.Text;
using System.Text.Json;
using LineConnector.Core.Channels;
using LineConnector.Core.Line;
using LineConnector.Core.Line.Api;
using LineConnector.Tests.Channels;
using LineConnector.Tests.KeyVault;
using LineConnector.Tests.Support;
using LineConnector.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace LineConnector.Tests.Admin;

public sealed class ChannelLifecycleTests : IAsyncLifetime
{
    private readonly FakeKeyVault _vault = new();
    private readonly List<string> _answers = [];
    private FakeLine _line = null!;
    private ConnectorApp _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _line = await FakeLine.StartAsync();
        _line.Add(new FakeLine.Account("1001", "secret-one-4f1c", "U1111"));
        _line.Add(new FakeLine.Account("1002", "secret-two-9a7e", "U2222", LongLivedToken: "long-lived-two-77d2"));
    }

    private void Start(bool keyVault)
    {
        _app = keyVault
            ? ConnectorApp.ForLine(_line.BaseUrl, new Dictionary<string, string?> { ["KeyVault:vaultUri"] = FakeKeyVault.VaultUri.ToString() }, s => s.AddSingleton(_vault.Client()))
            : ConnectorApp.ForLine(_line.BaseUrl);
        _http = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        await _line.DisposeAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_full_lifecycle_leaves_no_secret_or_token_in_logs_or_answers(bool keyVault)
    {
        Start(keyVault);
        (await SendAsync(HttpMethod.Post, "/api/manage/channels", ChannelAdminApiTests.CreateBody("acme", ChannelSamples.Full(), "1001", "secret-one-4f1c"))).Should().Be(HttpStatusCode.Created);
        (await WebhookAsync("U1111", "secret-one-4f1c")).Should().Be(HttpStatusCode.OK);
        (await WebhookAsync("U1111", "forged-secret")).Should().Be(HttpStatusCode.Unauthorized);

        // The LINE client mints a stateless token for the channel (to reply and push with).
        var token = await _app.Services.GetRequiredService<LineApiClient>().GetAccessTokenAsync("acme", default);
        token.Should().StartWith("stateless-");

        var credentials = JsonSerializer.Serialize(new ChannelCredentialsRequest("1002", "secret-two-9a7e", "long-lived-two-77d2"), ChannelJsonContext.Default.ChannelCredentialsRequest);
        (await SendAsync(HttpMethod.Put, "/api/manage/channels/acme/credentials", credentials)).Should().Be(HttpStatusCode.OK);
        (await WebhookAsync("U2222", "secret-two-9a7e")).Should().Be(HttpStatusCode.OK);
        (await WebhookAsync("U1111", "secret-one-4f1c")).Should().Be(HttpStatusCode.Forbidden, "the previous secret still verifies, but the channel now belongs to the other LINE bot");
        (await _app.Services.GetRequiredService<LineApiClient>().GetAccessTokenAsync("acme", default)).Should().Be("long-lived-two-77d2");

        (await SendAsync(HttpMethod.Get, "/api/manage/channels/acme", null)).Should().Be(HttpStatusCode.OK);
        var settings = JsonSerializer.Serialize(ChannelSamples.Settings() with { Name = "Renamed" }, ChannelJsonContext.Default.ChannelSettings);
        (await SendAsync(HttpMethod.Put, "/api/manage/channels/acme", settings, "*")).Should().Be(HttpStatusCode.OK);
        (await SendAsync(HttpMethod.Post, "/api/manage/channels/acme/suspend", null)).Should().Be(HttpStatusCode.OK);
        (await WebhookAsync("U2222", "secret-two-9a7e")).Should().Be(HttpStatusCode.OK, "a suspended channel still answers LINE");
        (await SendAsync(HttpMethod.Get, "/api/manage/channels", null)).Should().Be(HttpStatusCode.OK);
        (await SendAsync(HttpMethod.Delete, "/api/manage/channels/acme", null)).Should().Be(HttpStatusCode.OK);
        (await WebhookAsync("U2222", "secret-two-9a7e")).Should().Be(HttpStatusCode.NotFound);
        (await SendAsync(HttpMethod.Get, "/api/manage/openapi.json", null)).Should().Be(HttpStatusCode.OK);

        string[] secrets = ["secret-one-4f1c", "secret-two-9a7e", "long-lived-two-77d2", "forged-secret", .. _line.IssuedTokens];
        secrets.Length.Should().BeGreaterThan(4, "a stateless token was minted");
        _app.Logs.Should().NotBeEmpty();
        _answers.Should().HaveCount(14);
        if (keyVault)
        {
            _vault.Get("line-acme-channel-secret")!.Value.Should().Be("secret-two-9a7e", "the credentials went to Key Vault");
            _vault.Get("line-acme-channel-secret-previous")!.Tags.Should().ContainKey("accepted-until");
        }

        foreach (var secret in secrets)
        {
            _app.Logs.Should().NotContain(line => line.Contains(secret, StringComparison.Ordinal), $"no log line contains '{secret}'");
            _answers.Should().NotContain(answer => answer.Contains(secret, StringComparison.Ordinal), $"no answer contains '{secret}'");
        }
    }

    private async Task<HttpStatusCode> SendAsync(HttpMethod method, string path, string? json, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        using var response = await _http.SendAsync(request);
        _answers.Add($"{(int)response.StatusCode} {response.Headers} {response.Content.Headers} {await response.Content.ReadAsStringAsync()}");
        return response.StatusCode;
    }

    private async Task<HttpStatusCode> WebhookAsync(string destination, string secret)
    {
        var body = Encoding.UTF8.GetBytes($"{{\"destination\":\"{destination}\",\"events\":[{{\"type\":\"message\",\"mode\":\"active\",\"timestamp\":1700000000000,\"source\":{{\"type\":\"user\",\"userId\":\"Uuser\"}},\"webhookEventId\":\"01H{Guid.NewGuid():N}\",\"deliveryContext\":{{\"isRedelivery\":false}},\"replyToken\":\"r\",\"message\":{{\"id\":\"1\",\"type\":\"text\",\"quoteToken\":\"q\",\"text\":\"hello\"}}}}]}}");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/line/acme") { Content = new ByteArrayContent(body) };
        request.Headers.Add(LineSignature.HeaderName, LineSignature.Compute(body, secret));
        using var response = await _http.SendAsync(request);
        _answers.Add($"{(int)response.StatusCode} {response.Headers} {await response.Content.ReadAsStringAsync()}");
        return response.StatusCode;
    }
}
