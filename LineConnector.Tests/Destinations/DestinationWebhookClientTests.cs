using System.Net;
using System.Net.Sockets;
using System.Text;
using LineConnector.Core.Channels;
using LineConnector.Core.Destinations;
using LineConnector.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace LineConnector.Tests.Destinations;

public class DestinationWebhookClientTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"kind":"event","id":"01A"}""");

    private static DestinationWebhookClient Client(bool allowLoopbackHttp = true, TimeSpan? timeout = null, HttpMessageHandler? handler = null) =>
        new(new HttpClient(handler ?? new SocketsHttpHandler()), new DestinationWebhookOptions { AllowLoopbackHttp = allowLoopbackHttp, Timeout = timeout ?? TimeSpan.FromSeconds(5) }, TimeProvider.System);

    private static Func<Support.RecordedRequest, HttpContext, Task> Status(int status) => (_, context) =>
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    };

    [Theory]
    [InlineData(200, DestinationResult.Accepted)]
    [InlineData(202, DestinationResult.Accepted)]
    [InlineData(204, DestinationResult.Accepted)]
    [InlineData(503, DestinationResult.Unavailable)]
    [InlineData(500, DestinationResult.Unavailable)]
    [InlineData(502, DestinationResult.Unavailable)]
    [InlineData(429, DestinationResult.Unavailable)]
    [InlineData(408, DestinationResult.Unavailable)]
    [InlineData(400, DestinationResult.Refused)]
    [InlineData(401, DestinationResult.Refused)]
    [InlineData(404, DestinationResult.Refused)]
    public async Task The_answer_decides_the_outcome(int status, DestinationResult expected)
    {
        await using var server = await TestHttpServer.StartAsync(Status(status));

        var outcome = await Client().PostAsync(new Uri(server.BaseAddress, "hook"), Body, "c2lnbmF0dXJl", "01A", default);

        outcome.Result.Should().Be(expected);
        outcome.Status.Should().Be(status);
        outcome.Reason.Should().Contain(status.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task The_body_goes_as_given_with_its_signature_and_delivery_id()
    {
        await using var server = await TestHttpServer.StartAsync(Status(200));
        var signature = DestinationSignature.Compute(Body, "dest-secret");

        await Client().PostAsync(new Uri(server.BaseAddress, "hook"), Body, signature, "01A", default);

        var request = server.Requests.Should().ContainSingle().Subject;
        request.Method.Should().Be("POST");
        request.Body.Should().Equal(Body);
        request.Headers["Content-Type"].Should().Be("application/json; charset=utf-8");
        request.Headers[DestinationSignature.Header].Should().Be(signature);
        request.Headers[DestinationSignature.DeliveryIdHeader].Should().Be("01A");
        DestinationSignature.IsValid(request.Body, request.Headers[DestinationSignature.Header], "dest-secret").Should().BeTrue();
        DestinationSignature.IsValid(request.Body, request.Headers[DestinationSignature.Header], "another-secret").Should().BeFalse();
    }

    [Fact]
    public async Task A_destination_that_does_not_answer_in_time_is_unavailable()
    {
        await using var server = await TestHttpServer.StartAsync(async (_, context) => await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted));

        var outcome = await Client(timeout: TimeSpan.FromMilliseconds(200)).PostAsync(new Uri(server.BaseAddress, "slow"), Body, "s", "01A", default);

        outcome.Should().Match<DestinationOutcome>(o => o.Result == DestinationResult.Unavailable && o.Status == null && o.Reason.Contains("did not answer within 0.2 s"));
    }

    [Fact]
    public async Task A_destination_nobody_listens_on_is_unavailable()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var outcome = await Client().PostAsync(new Uri($"http://127.0.0.1:{port}/hook"), Body, "s", "01A", default);

        outcome.Result.Should().Be(DestinationResult.Unavailable);
        outcome.Reason.Should().Contain("could not be reached");
    }

    [Theory]
    [InlineData("http://desk.example.com/line", "is http://; destinations are called over https:// only")]
    [InlineData("ftp://desk.example.com/line", "is ftp://")]
    public async Task Only_https_is_called(string url, string reason)
    {
        var calls = 0;
        var outcome = await Client(handler: new CountingHandler(() => calls++)).PostAsync(new Uri(url), Body, "s", "01A", default);

        outcome.Result.Should().Be(DestinationResult.Refused);
        outcome.Reason.Should().Contain(reason);
        calls.Should().Be(0);
    }

    [Fact]
    public async Task Loopback_http_is_refused_outside_local_mode()
    {
        await using var server = await TestHttpServer.StartAsync(Status(200));

        var outcome = await Client(allowLoopbackHttp: false).PostAsync(new Uri(server.BaseAddress, "hook"), Body, "s", "01A", default);

        outcome.Result.Should().Be(DestinationResult.Refused);
        outcome.Reason.Should().Contain("only local mode calls");
        server.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task A_query_string_stays_out_of_the_reason()
    {
        await using var server = await TestHttpServer.StartAsync(Status(503));

        var outcome = await Client().PostAsync(new Uri(server.BaseAddress, "hook?token=query-secret-123"), Body, "s", "01A", default);

        outcome.Reason.Should().NotContain("query-secret-123").And.Contain("/hook");
    }

    [Fact]
    public void Key_Vault_names_follow_the_channel_secrets_spelling() =>
        DestinationSecretNames.KeyVault("Acme_Shop", "Night_Desk").Should().Be("line-acme-shop-destination-night-desk-secret")
            .And.StartWith(ChannelSecretNames.ChannelSecret("Acme_Shop")[..10]);

    private sealed class CountingHandler(Action count) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            count();
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }
}
