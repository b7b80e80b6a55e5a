using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using LineConnector.Core;
using LineConnector.Core.Line.Api;

namespace LineConnector.Tests.Line.Api;

public sealed class LineApiClientTests : IAsyncLifetime
{
    private const string Token = "secret-channel-token-5b1d7e";
    private static readonly LineCredential Credential = LineCredential.LongLived(Token);
    private const string Channel = "demo";
    private const string Reply = "/v2/bot/message/reply";
    private const string Push = "/v2/bot/message/push";
    private static readonly Guid RetryKey = Guid.Parse("1f1d9c59-2b0e-4c1e-9a55-0d6d3e7f3b10");

    private FakeLineServer _line = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _line = await FakeLineServer.StartAsync();
        _http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _line.DisposeAsync();
    }

    [Fact]
    public async Task Reply_posts_token_and_messages_and_returns_the_sent_message_ids()
    {
        _line.Script("POST", Reply, new FakeReply(200, """{"sentMessages":[{"id":"461230966842064897","quoteToken":"IStG5h1Tz7b"},{"id":"461230966842064898"}]}""")
        {
            Headers = new Dictionary<string, string> { ["X-Line-Request-Id"] = "req-1" },
        });

        var result = await Client().ReplyAsync(Channel, "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA", Messages("hello", "world"), default);

        result.SentMessages.Should().Equal(new SentMessage("461230966842064897", "IStG5h1Tz7b"), new SentMessage("461230966842064898"));
        result.RequestId.Should().Be("req-1");
        var request = _line.RequestsTo(Reply).Should().ContainSingle().Subject;
        request.Header("Authorization").Should().Be("Bearer " + Token);
        request.Header("Content-Type").Should().StartWith("application/json");
        request.Header(LineApiClient.RetryKeyHeader).Should().BeNull("reply does not take X-Line-Retry-Key");
        PropertyNames(request.Json).Should().Equal("replyToken", "messages");
        request.Json.GetProperty("replyToken").GetString().Should().Be("nHuyWiB7yP5Zw52FIkcQobQuGDXCTA");
        request.Json.GetProperty("messages")[1].GetProperty("text").GetString().Should().Be("world");
    }

    [Fact]
    public async Task Push_posts_recipient_and_messages_with_the_retry_key()
    {
        var result = await Client().PushAsync(Channel, "U4af4980629a0b6ee5b5e0e9d1e7a1b8c", Messages("hi"), RetryKey, default);

        result.SentMessages.Should().ContainSingle();
        var request = _line.RequestsTo(Push).Should().ContainSingle().Subject;
        request.Header(LineApiClient.RetryKeyHeader).Should().Be("1f1d9c59-2b0e-4c1e-9a55-0d6d3e7f3b10");
        PropertyNames(request.Json).Should().Equal("to", "messages");
        request.Json.GetProperty("to").GetString().Should().Be("U4af4980629a0b6ee5b5e0e9d1e7a1b8c");
    }

    [Fact]
    public async Task Invalid_reply_token_is_its_own_kind_and_not_retried()
    {
        _line.Script("POST", Reply, FakeReply.Error(400, "Invalid reply token", "req-400"));

        var error = await Assert.ThrowsAsync<LineApiException>(() => Client().ReplyAsync(Channel, "expired", Messages("hi"), default));

        error.Kind.Should().Be(LineErrorKind.InvalidReplyToken);
        error.Status.Should().Be(400);
        error.RequestId.Should().Be("req-400");
        error.IsTransient.Should().BeFalse();
        _line.RequestsTo(Reply).Should().ContainSingle();
    }

    [Fact]
    public async Task Bad_request_carries_lines_details_and_is_not_retried()
    {
        _line.Script("POST", Push, new FakeReply(400, """{"message":"The request body has 2 error(s)","details":[{"message":"May not be empty","property":"messages[0].text"},{"message":"Must be one of the following values: [text, image]","property":"messages[1].type"}]}"""));

        var error = await Assert.ThrowsAsync<LineApiException>(() => Client().PushAsync(Channel, "U1", Messages("", "x"), RetryKey, default));

        error.Kind.Should().Be(LineErrorKind.ClientError);
        error.LineMessage.Should().Be("The request body has 2 error(s)");
        error.Details.Should().Equal(
            new LineErrorDetail("May not be empty", "messages[0].text"),
            new LineErrorDetail("Must be one of the following values: [text, image]", "messages[1].type"));
        error.Message.Should().Contain("messages[0].text: May not be empty").And.Contain("HTTP 400");
        _line.RequestsTo(Push).Should().ContainSingle();
    }

    [Fact]
    public async Task Conflict_on_a_retry_key_is_a_duplicate_with_the_accepted_request()
    {
        _line.Script("POST", Push, new FakeReply(409, """{"message":"The retry key is already accepted","sentMessages":[{"id":"461230966842064897"}]}""")
        {
            Headers = new Dictionary<string, string> { ["x-line-accepted-request-id"] = "accepted-123", ["X-Line-Request-Id"] = "req-409" },
        });

        var error = await Assert.ThrowsAsync<LineApiException>(() => Client().PushAsync(Channel, "U1", Messages("hi"), RetryKey, default));

        error.Kind.Should().Be(LineErrorKind.Duplicate);
        error.AcceptedRequestId.Should().Be("accepted-123");
        error.RequestId.Should().Be("req-409");
        error.SentMessages.Should().Equal(new SentMessage("461230966842064897"));
        error.IsTransient.Should().BeFalse();
        _line.RequestsTo(Push).Should().ContainSingle("409 is never retried");
    }

    [Fact]
    public async Task Rate_limit_is_retried_with_the_same_retry_key_until_it_succeeds()
    {
        _line.Script("POST", Push, FakeReply.Error(429, "Too Many Requests"), FakeReply.Error(429, "Too Many Requests"), new FakeReply(200, """{"sentMessages":[{"id":"1"}]}"""));

        var result = await Client().PushAsync(Channel, "U1", Messages("hi"), RetryKey, default);

        result.SentMessages.Should().Equal(new SentMessage("1"));
        var requests = _line.RequestsTo(Push);
        requests.Should().HaveCount(3);
        requests.Select(r => r.Header(LineApiClient.RetryKeyHeader)).Should().AllBe(RetryKey.ToString());
        requests.Select(r => r.Body).Distinct().Should().ContainSingle("every attempt sends the same body");
    }

    [Fact]
    public async Task Rate_limit_that_outlasts_the_retries_is_transient()
    {
        _line.Script("POST", Push, FakeReply.Error(429, "Too Many Requests"));

        var error = await Assert.ThrowsAsync<LineApiException>(() => Client(o => o.MaxRetries = 2).PushAsync(Channel, "U1", Messages("hi"), RetryKey, default));

        error.Kind.Should().Be(LineErrorKind.RateLimit);
        error.IsTransient.Should().BeTrue();
        error.Attempts.Should().Be(3);
        _line.RequestsTo(Push).Should().HaveCount(3);
    }

    [Fact]
    public async Task Monthly_limit_is_told_apart_and_not_retried()
    {
        _line.Script("POST", Push, FakeReply.Error(429, "You have reached your monthly limit."));

        var error = await Assert.ThrowsAsync<LineApiException>(() => Client().PushAsync(Channel, "U1", Messages("hi"), RetryKey, default));

        error.Kind.Should().Be(LineErrorKind.MonthlyLimit);
        error.IsTransient.Should().BeFalse();
        _line.RequestsTo(Push).Should().ContainSingle();
    }

    [Fact]
    public async Task Retry_after_is_honoured()
    {
        _line.Script("POST", Push, FakeReply.Error(429, "Too Many Requests") with { Headers = new Dictionary<string, string> { ["Retry-After"] = "1" } }, new FakeReply(200, """{"sentMessages":[{"id":"1"}]}"""));

        await Client().PushAsync(Channel, "U1", Messages("hi"), RetryKey, default);

        var requests = _line.RequestsTo(Push);
        requests.Should().HaveCount(2);
        (requests[1].At - requests[0].At).Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(950), "the client waited as LINE asked (the retry delay is 10 ms)");
    }

    [Fact]
    public async Task Retry_after_beyond_the_longest_wait_ends_the_retries_as_transient()
    {
        _line.Script("POST", Push, FakeReply.Error(429, "Too Many Requests") with { Headers = new Dictionary<string, string> { ["Retry-After"] = "120" } });

        var error = await Assert.ThrowsAsync<LineApiException>(() => Client().PushAsync(Channel, "U1", Messages("hi"), RetryKey, default));

        error.Kind.Should().Be(LineErrorKind.RateLimit);
        error.RetryAfter.Should().Be(TimeSpan.FromSeconds(120));
        error.IsTransient.Should().BeTrue();
        _line.RequestsTo(Push).Should().ContainSingle();
    }

    [Fact]
    public async Task Server_errors_are_retried_until_success()
    {
        _line.Script("POST", Reply, FakeReply.Error(500, "Internal Server Error"), FakeReply.Error(503, "Service Unavailable"), new FakeReply(200, """{"sentMessages":[{"id":"9"}]}"""));

        var result = await Client().ReplyAsync(Channel, "token", Messages("hi"), default);

        result.SentMessages.Should().Equal(new SentMessage("9"));
        _line.RequestsTo(Reply).Should().HaveCount(3);
    }

    [Fact]
    public async Task Server_errors_that_outlast_the_retries_are_transient()
    {
        _line.Script("POST", Push, FakeReply.Error(500, "Internal Server Error", "req-500"));

        var error = await Assert.ThrowsAsync<LineApiException>(() => Client().PushAsync(Channel, "U1", Messages("hi"), RetryKey, default));

        error.Kind.Should().Be(LineErrorKind.ServerError);
        error.Status.Should().Be(500);
        error.RequestId.Should().Be("req-500");
        error.Attempts.Should().Be(4);
        error.IsTransient.Should().BeTrue();
        _line.RequestsTo(Push).Should().HaveCount(4, "1 attempt and 3 retries");
    }

    [Fact]
    public async Task An_answer_that_is_not_lines_error_shape_is_described_by_status_and_snippet()
    {
        _line.Script("GET", "/v2/bot/info", new FakeReply(502, "<html><body>Bad gateway</body></html>") { ContentType = "text/html" });

        var error = await Assert.ThrowsAsync<LineApiException>(() => Client(o => o.MaxRetries = 0).GetBotInfoAsync(Credential, default));

        error.Kind.Should().Be(LineErrorKind.ServerError);
        error.LineMessage.Should().Contain("HTTP 502").And.Contain("Bad gateway");
    }

    [Fact]
    public async Task A_hung_request_times_out_and_is_retried()
    {
        _line.Script("POST", Push, new FakeReply(200, """{"sentMessages":[{"id":"1"}]}""") { Delay = TimeSpan.FromSeconds(30) });

        var error = await Assert.ThrowsAsync<LineApiException>(() => Client(o =>
        {
            o.Timeout = TimeSpan.FromMilliseconds(300);
            o.MaxRetries = 1;
        }).PushAsync(Channel, "U1", Messages("hi"), RetryKey, default));

        error.Kind.Should().Be(LineErrorKind.Timeout);
        error.Status.Should().Be(0);
        error.IsTransient.Should().BeTrue();
        error.Attempts.Should().Be(2);
        _line.RequestsTo(Push).Should().HaveCount(2);
    }

    [Fact]
    public async Task A_timeout_followed_by_success_returns_the_result()
    {
        _line.Script("POST", Push,
            new FakeReply(200, """{"sentMessages":[{"id":"1"}]}""") { Delay = TimeSpan.FromSeconds(30) },
            new FakeReply(200, """{"sentMessages":[{"id":"2"}]}"""));

        var result = await Client(o => o.Timeout = TimeSpan.FromMilliseconds(300)).PushAsync(Channel, "U1", Messages("hi"), RetryKey, default);

        result.SentMessages.Should().Equal(new SentMessage("2"));
        _line.RequestsTo(Push).Select(r => r.Header(LineApiClient.RetryKeyHeader)).Should().Equal(RetryKey.ToString(), RetryKey.ToString());
    }

    [Fact]
    public async Task An_unreachable_line_is_retried_then_transient()
    {
        var closedPort = ClosedPort();
        var client = Client(o =>
        {
            o.MaxRetries = 2;
            o.ApiBaseUrl = new Uri($"http://127.0.0.1:{closedPort}/");
            o.DataApiBaseUrl = new Uri($"http://127.0.0.1:{closedPort}/");
        });

        var error = await Assert.ThrowsAsync<LineApiException>(() => client.GetTranscodingStatusAsync(Channel, "325708", default));

        error.Kind.Should().Be(LineErrorKind.Unreachable);
        error.Attempts.Should().Be(3);
        error.IsTransient.Should().BeTrue();
    }

    [Fact]
    public async Task The_callers_cancellation_is_not_a_timeout()
    {
        _line.Script("GET", "/v2/bot/info", new FakeReply(200, "{}") { Delay = TimeSpan.FromSeconds(30) });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var call = () => Client().GetBotInfoAsync(Credential, cancel.Token);

        await call.Should().ThrowAsync<OperationCanceledException>();
        _line.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task The_token_never_appears_in_an_exception()
    {
        _line.Script("POST", Push, new FakeReply(400, $$"""{"message":"Authentication failed","details":[{"message":"bad","property":"Authorization"}]}"""));
        _line.Script("POST", Reply, FakeReply.Error(500, "Internal Server Error"));
        _line.Script("GET", "/v2/bot/info", new FakeReply(200, "{}") { Delay = TimeSpan.FromSeconds(30) });
        var client = Client(o =>
        {
            o.MaxRetries = 1;
            o.Timeout = TimeSpan.FromMilliseconds(300);
        });
        var unreachable = Client(o => o.ApiBaseUrl = new Uri($"http://127.0.0.1:{ClosedPort()}/"));

        List<Exception> errors =
        [
            await Assert.ThrowsAsync<LineApiException>(() => client.PushAsync(Channel, "U1", Messages("hi"), RetryKey, default)),
            await Assert.ThrowsAsync<LineApiException>(() => client.ReplyAsync(Channel, "t", Messages("hi"), default)),
            await Assert.ThrowsAsync<LineApiException>(() => client.GetBotInfoAsync(Credential, default)),
            await Assert.ThrowsAsync<LineApiException>(() => unreachable.GetBotInfoAsync(Credential, default)),
        ];

        errors.Select(e => e.ToString()).Should().AllSatisfy(text => text.Should().NotContain(Token));
    }

    [Theory]
    [InlineData("")]
    [InlineData("line-one\nline-two-secret")]
    [InlineData("has a space-secret")]
    public async Task A_malformed_token_is_refused_without_quoting_it(string token)
    {
        var client = new LineApiClient(_http, new StaticTokens(token), Options(), TimeProvider.System);

        var error = await Assert.ThrowsAsync<DomainException>(() => client.GetTranscodingStatusAsync(Channel, "325708", default));

        error.Error.Should().Be(DomainError.Misconfigured);
        error.Message.Should().Contain($"channel '{Channel}'");
        if (token.Length > 0)
        {
            error.ToString().Should().NotContain("secret");
        }

        _line.Requests.Should().BeEmpty();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    public async Task Reply_and_push_take_one_to_five_messages(int count)
    {
        var messages = Messages([.. Enumerable.Range(0, count).Select(i => $"m{i}")]);

        var reply = () => Client().ReplyAsync(Channel, "t", messages, default);
        var push = () => Client().PushAsync(Channel, "U1", messages, RetryKey, default);

        (await reply.Should().ThrowAsync<ArgumentException>()).WithMessage($"*{count} objects*");
        (await push.Should().ThrowAsync<ArgumentException>()).WithMessage($"*{count} objects*");
        _line.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Bot_info_is_read()
    {
        _line.Script("GET", "/v2/bot/info", new FakeReply(200, """{"userId":"Ub9952f8...","basicId":"@216ru...","displayName":"Example name","pictureUrl":"https://profile.line-scdn.net/abc","chatMode":"chat","markAsReadMode":"manual"}"""));

        var info = await Client().GetBotInfoAsync(Credential, default);

        info.Should().Be(new BotInfo("Ub9952f8...", "@216ru...", "Example name", "chat", "manual", PictureUrl: "https://profile.line-scdn.net/abc"));
    }

    [Fact]
    public async Task Bot_info_without_a_required_field_is_an_unreadable_answer()
    {
        _line.Script("GET", "/v2/bot/info", new FakeReply(200, """{"basicId":"@216ru...","displayName":"Example name","chatMode":"chat","markAsReadMode":"manual"}"""));

        var error = await Assert.ThrowsAsync<LineApiException>(() => Client().GetBotInfoAsync(Credential, default));

        error.Kind.Should().Be(LineErrorKind.ServerError);
        error.Status.Should().Be(200);
        error.LineMessage.Should().Contain("could not be read");
    }

    [Fact]
    public async Task Ids_in_paths_are_escaped()
    {
        _line.Script("GET", "/v2/bot/message/U4af4980629/content/transcoding", new FakeReply(200, """{"status":"succeeded"}"""));

        var status = await Client().GetTranscodingStatusAsync(Channel, "U4af4980629", default);
        var missing = await Assert.ThrowsAsync<LineApiException>(() => Client().GetTranscodingStatusAsync(Channel, "U/../info", default));

        status.Should().Be(TranscodingStatus.Succeeded);
        missing.Status.Should().Be(404);
        _line.Requests.Select(r => r.Path).Should().Contain("/v2/bot/message/U%2F..%2Finfo/content/transcoding");
    }

    [Fact]
    public async Task Message_content_is_streamed_from_the_content_api()
    {
        await using var data = await FakeLineServer.StartAsync();
        data.Script("GET", "/v2/bot/message/325708/content", new FakeReply(200, "\u0089PNG-bytes") { ContentType = "image/png" });
        var client = Client(o =>
        {
            o.ApiBaseUrl = _line.BaseUrl;
            o.DataApiBaseUrl = data.BaseUrl;
        });

        using var content = await client.GetMessageContentAsync(Channel, "325708", default);

        content.IsReady.Should().BeTrue();
        content.ContentType.Should().Be("image/png");
        using var reader = new StreamReader(content.Content!);
        (await reader.ReadToEndAsync()).Should().Be("\u0089PNG-bytes");
        data.Requests.Should().ContainSingle().Which.Header("Authorization").Should().Be("Bearer " + Token);
        _line.Requests.Should().BeEmpty("content comes from the content API's host");
    }

    [Fact]
    public async Task Message_content_still_being_prepared_is_not_ready()
    {
        _line.Script("GET", "/v2/bot/message/325708/content", new FakeReply(202));

        using var content = await Client().GetMessageContentAsync(Channel, "325708", default);

        content.IsReady.Should().BeFalse();
        content.Content.Should().BeNull();
    }

    [Fact]
    public async Task Message_content_that_is_gone_is_a_client_error()
    {
        _line.Script("GET", "/v2/bot/message/325708/content", FakeReply.Error(410, "Gone"));

        var error = await Assert.ThrowsAsync<LineApiException>(() => Client().GetMessageContentAsync(Channel, "325708", default));

        error.Kind.Should().Be(LineErrorKind.ClientError);
        error.Status.Should().Be(410);
        _line.Requests.Should().ContainSingle();
    }

    [Theory]
    [InlineData("processing", TranscodingStatus.Processing)]
    [InlineData("succeeded", TranscodingStatus.Succeeded)]
    [InlineData("failed", TranscodingStatus.Failed)]
    public async Task Transcoding_status_is_read(string status, TranscodingStatus expected)
    {
        _line.Script("GET", "/v2/bot/message/325708/content/transcoding", new FakeReply(200, $$"""{"status":"{{status}}"}"""));

        (await Client().GetTranscodingStatusAsync(Channel, "325708", default)).Should().Be(expected);
    }

    [Fact]
    public async Task A_base_url_with_a_path_keeps_it()
    {
        _line.Script("POST", "/line-proxy" + Reply, new FakeReply(200, """{"sentMessages":[{"id":"1","quoteToken":"q"}]}"""));
        var client = Client(o =>
        {
            o.ApiBaseUrl = new Uri(_line.BaseUrl, "line-proxy");
            o.DataApiBaseUrl = _line.BaseUrl;
        });

        await client.ReplyAsync(Channel, "token", Messages("hi"), default);

        _line.RequestsTo("/line-proxy" + Reply).Should().ContainSingle();
    }

    private LineApiClient Client(Action<LineApiClientOptions>? configure = null)
    {
        var options = Options();
        configure?.Invoke(options);
        return new LineApiClient(_http, new StaticTokens(Token), options, TimeProvider.System);
    }

    private LineApiClientOptions Options() => new()
    {
        ApiBaseUrl = _line.BaseUrl,
        DataApiBaseUrl = _line.BaseUrl,
        RetryDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryDelay = TimeSpan.FromSeconds(2),
        Timeout = TimeSpan.FromSeconds(5),
    };

    internal static JsonElement Messages(params string[] texts) =>
        JsonSerializer.SerializeToElement(texts.Select(t => new Dictionary<string, string> { ["type"] = "text", ["text"] = t }).ToList());

    private static List<string> PropertyNames(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name)];

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
