using System.Text;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using LineConnector.Core.Queueing;
using LineConnector.Functions.ServiceBus;
using LineConnector.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace LineConnector.Tests.ServiceBus;

public class ServiceBusRestSenderTests
{
    private static QueueMessage Message(string id, string session, string body) => new(id, session, Encoding.UTF8.GetBytes(body));

    private static ServiceBusRestSender Sender(TestHttpServer server, Action<ServiceBusSenderOptions>? configure = null)
    {
        var options = new ServiceBusSenderOptions { Transport = new HttpClientTransport(server.TrustingHandler()) };
        options.Retry.Delay = TimeSpan.FromMilliseconds(5);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(20);
        configure?.Invoke(options);
        return new ServiceBusRestSender(server.BaseAddress, new StaticToken("sb-test-token"), options);
    }

    private static Func<RecordedRequest, HttpContext, Task> Answer(params int[] statuses)
    {
        var next = 0;
        return (_, context) =>
        {
            context.Response.StatusCode = statuses[Math.Min(Interlocked.Increment(ref next) - 1, statuses.Length - 1)];
            return Task.CompletedTask;
        };
    }

    [Fact]
    public async Task A_batch_follows_the_REST_contract()
    {
        await using var server = await TestHttpServer.StartAsync(Answer(201), https: true);

        await Sender(server).SendAsync("line-inbound", [Message("01A", "shop:U1", """{"x":"é\"1"}"""), Message("01B", "shop:U2", "{}")], CancellationToken.None);

        var request = server.Requests.Single();
        request.Method.Should().Be("POST");
        request.PathAndQuery.Should().Be("/line-inbound/messages?timeout=60");
        request.Headers["Authorization"].Should().Be("Bearer sb-test-token");
        request.Headers["Content-Type"].Should().Be("application/vnd.microsoft.servicebus.json");
        using var batch = JsonDocument.Parse(request.Body);
        batch.RootElement.GetArrayLength().Should().Be(2);
        var first = batch.RootElement[0];
        first.GetProperty("Body").GetString().Should().Be("""{"x":"é\"1"}""");
        first.GetProperty("BrokerProperties").GetProperty("MessageId").GetString().Should().Be("01A");
        first.GetProperty("BrokerProperties").GetProperty("SessionId").GetString().Should().Be("shop:U1");
        batch.RootElement[1].GetProperty("BrokerProperties").GetProperty("SessionId").GetString().Should().Be("shop:U2");
    }

    [Fact]
    public async Task A_scheduled_message_carries_its_enqueue_time_as_an_RFC_1123_date_and_others_none()
    {
        await using var server = await TestHttpServer.StartAsync(Answer(201), https: true);
        var at = new DateTimeOffset(2026, 11, 21, 18, 1, 30, TimeSpan.FromHours(9));

        await Sender(server).SendAsync("line-inbound", [Message("check", "shop:U1", "{}") with { ScheduledEnqueueTime = at }, Message("now", "shop:U1", "{}")], CancellationToken.None);

        using var batch = JsonDocument.Parse(server.Requests.Single().Body);
        batch.RootElement[0].GetProperty("BrokerProperties").GetProperty("ScheduledEnqueueTimeUtc").GetString().Should().Be("Sat, 21 Nov 2026 09:01:30 GMT");
        batch.RootElement[1].GetProperty("BrokerProperties").TryGetProperty("ScheduledEnqueueTimeUtc", out _).Should().BeFalse();
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    public async Task A_5xx_is_retried_until_it_succeeds(int status)
    {
        await using var server = await TestHttpServer.StartAsync(Answer(status, status, 201), https: true);

        await Sender(server).SendAsync("line-inbound", [Message("01A", "s", "{}")], CancellationToken.None);

        server.Requests.Should().HaveCount(3);
        server.Requests.Select(r => r.BodyText).Distinct().Should().ContainSingle("a retry resends the same batch");
    }

    [Fact]
    public async Task A_timeout_is_retried()
    {
        var calls = 0;
        await using var server = await TestHttpServer.StartAsync(async (_, context) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(4), context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            }

            context.Response.StatusCode = 201;
        }, https: true);

        await Sender(server, o => o.Retry.NetworkTimeout = TimeSpan.FromSeconds(1)).SendAsync("line-inbound", [Message("01A", "s", "{}")], CancellationToken.None);

        // Only the first call hangs; the send succeeds because the timed-out attempt was retried.
        calls.Should().BeGreaterThanOrEqualTo(2);
    }

    [Theory]
    [InlineData(400, "BadRequest")]
    [InlineData(401, "Unauthorized")]
    [InlineData(403, "QuotaExceededOrMessageTooLarge")]
    [InlineData(410, "QueueNotFound")]
    public async Task A_4xx_is_not_retried_and_names_queue_and_status(int status, string errorCode)
    {
        await using var server = await TestHttpServer.StartAsync(Answer(status), https: true);

        var send = () => Sender(server).SendAsync("line-outbound", [Message("01A", "s", "{}")], CancellationToken.None);

        var error = (await send.Should().ThrowAsync<RequestFailedException>()).Which;
        error.Status.Should().Be(status);
        error.ErrorCode.Should().Be(errorCode);
        error.Message.Should().Contain("'line-outbound'").And.Contain($"HTTP {status}");
        error.Message.Should().NotContain("sb-test-token");
        server.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task Persistent_5xx_ends_in_an_exception_after_the_configured_retries()
    {
        await using var server = await TestHttpServer.StartAsync(Answer(500), https: true);

        var send = () => Sender(server, o => o.Retry.MaxRetries = 2).SendAsync("line-inbound", [Message("01A", "s", "{}")], CancellationToken.None);

        (await send.Should().ThrowAsync<RequestFailedException>()).Which.Status.Should().Be(500);
        server.Requests.Should().HaveCount(3);
    }

    [Fact]
    public async Task Large_batches_are_split_by_size_keeping_order()
    {
        await using var server = await TestHttpServer.StartAsync(Answer(201), https: true);
        var messages = Enumerable.Range(0, 7).Select(i => Message($"m{i}", "s", new string('x', 100))).ToList();

        await Sender(server, o => o.MaxBatchBodyBytes = 250).SendAsync("line-inbound", messages, CancellationToken.None);

        var ids = server.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.EnumerateArray()
            .Select(m => m.GetProperty("BrokerProperties").GetProperty("MessageId").GetString()).ToArray()).ToList();
        ids.Should().HaveCount(4);
        ids.SelectMany(x => x).Should().Equal(messages.Select(m => m.MessageId));
        ids.Should().OnlyContain(batch => batch.Length <= 2);
    }

    [Fact]
    public async Task The_token_is_requested_for_the_Service_Bus_scope()
    {
        await using var server = await TestHttpServer.StartAsync(Answer(201), https: true);
        var credential = new StaticToken("t");
        var options = new ServiceBusSenderOptions { Transport = new HttpClientTransport(server.TrustingHandler()) };

        await new ServiceBusRestSender(server.BaseAddress, credential, options).SendAsync("q", [Message("1", "s", "{}")], CancellationToken.None);

        credential.Scopes.Should().Equal("https://servicebus.azure.net/.default");
    }

    private sealed class StaticToken(string token) : TokenCredential
    {
        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes.AddRange(requestContext.Scopes);
            return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
