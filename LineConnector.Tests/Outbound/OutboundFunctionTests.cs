using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using LineConnector.Core.Outbound;
using LineConnector.Tests.Line.Api;
using LineConnector.Functions.LocalMode;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LineConnector.Tests.Outbound;

/// <summary>The <c>LineOutbound</c> function as the Functions host invokes it, delivering to a local stand-in for LINE.</summary>
public sealed class OutboundFunctionTests : IAsyncLifetime
{
    private const string Token = "function-token-7f3a91";
    private const string User = "U4af4980629a0b6ee5b5e0e9d1e7a1b8c";

    private readonly CapturedLogs _logs = new();
    private FakeLineServer _line = null!;
    private WebApplicationFactory<Program> _app = null!;

    public async Task InitializeAsync()
    {
        _line = await FakeLineServer.StartAsync();
        _app = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                // A store of its own, not the file under the working directory, which other tests' apps would share.
                ["LocalStore:Path"] = LocalStoreOptions.InMemory,
                ["Line:ApiBaseUrl"] = _line.BaseUrl.ToString(),
                ["Line:DataApiBaseUrl"] = _line.BaseUrl.ToString(),
                ["Line:MaxRetries"] = "1",
                ["Line:RetryDelay"] = "00:00:00.005",
                ["Channels:demo:ChannelAccessToken"] = Token,
            }));
            web.ConfigureTestServices(services => services.AddSingleton<IOutboundPolicy, FakePolicy>());
            web.ConfigureLogging(logging => logging.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));
        });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _line.DisposeAsync();
    }

    [Fact]
    public async Task A_message_is_pushed_with_the_channels_token_and_the_invocation_completes()
    {
        var response = await InvokeAsync(new OutboundRequestBuilder("out-1", "demo", User).AddText("hello").Build());

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var push = _line.RequestsTo("/v2/bot/message/push").Should().ContainSingle().Subject;
        push.Header("Authorization").Should().Be("Bearer " + Token);
        push.Header("X-Line-Retry-Key").Should().Be(RetryKey.For("out-1", 0).ToString());
    }

    [Fact]
    public async Task A_transient_line_failure_fails_the_invocation_so_service_bus_redelivers()
    {
        _line.Script("POST", "/v2/bot/message/push", FakeReply.Error(500, "Internal Server Error"));

        var response = await InvokeAsync(new OutboundRequestBuilder("out-1", "demo", User).AddText("hello").Build());

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        _line.RequestsTo("/v2/bot/message/push").Should().HaveCount(2);
    }

    [Fact]
    public async Task A_permanent_failure_completes_the_invocation()
    {
        _line.Script("POST", "/v2/bot/message/push", FakeReply.Error(429, "You have reached your monthly limit."));

        var response = await InvokeAsync(new OutboundRequestBuilder("out-1", "demo", User).AddText("hello").Build());

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _logs.Messages.Should().Contain(m => m.Contains("MonthlyLimit", StringComparison.Ordinal) && m.Contains("out-1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_token_never_reaches_the_logs()
    {
        _line.Script("POST", "/v2/bot/message/push",
            new FakeReply(401, """{"message":"Authentication failed. Confirm that the access token in the authorization header is valid."}"""));
        _line.Script("POST", "/v2/bot/message/reply", FakeReply.Error(500, "Internal Server Error"));

        (await InvokeAsync(new OutboundRequestBuilder("out-1", "demo", User).AddText("a").Build())).StatusCode.Should().Be(HttpStatusCode.OK);
        (await InvokeAsync(new OutboundRequestBuilder("out-2", "demo", User).ReplyWith("r", DateTimeOffset.UtcNow).AddText("b").Build()))
            .StatusCode.Should().Be(HttpStatusCode.InternalServerError);

        _logs.Messages.Should().Contain(m => m.Contains("Authentication failed", StringComparison.Ordinal), "the failures were logged");
        _logs.Messages.Should().NotContain(m => m.Contains(Token, StringComparison.Ordinal));
    }

    private async Task<HttpResponseMessage> InvokeAsync(OutboundRequest request)
    {
        var message = request.ToQueueMessage();
        // What the Functions host posts for a Service Bus trigger (custom-handler-contract.md).
        var invocation = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["Data"] = new Dictionary<string, string> { ["message"] = Encoding.UTF8.GetString(message.Body.Span) },
            ["Metadata"] = new Dictionary<string, string>
            {
                ["MessageId"] = $"\"{message.MessageId}\"",
                ["SessionId"] = $"\"{message.SessionId}\"",
                ["DeliveryCount"] = "1",
            },
        });
        using var client = _app.CreateClient();
        return await client.PostAsync(new Uri("/LineOutbound", UriKind.Relative), new StringContent(invocation, Encoding.UTF8, "application/json"));
    }

    private sealed class CapturedLogs : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _messages = new();

        public IReadOnlyCollection<string> Messages => _messages;

        public ILogger CreateLogger(string categoryName) => new Logger(_messages);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Enqueue(formatter(state, exception) + " " + exception);
        }
    }
}
