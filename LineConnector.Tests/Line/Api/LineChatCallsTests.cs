using LineConnector.Core.Line.Api;

namespace LineConnector.Tests.Line.Api;

/// <summary>The chat and quota calls of the LINE client, against the fake LINE, with the shapes of messaging-api.yml.</summary>
public sealed class LineChatCallsTests : IAsyncLifetime
{
    private const string Token = "secret-channel-token-9c2e41";
    private const string Channel = "demo";

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

    private LineApiClient Client() => new(_http, new StaticTokens(Token), new LineApiClientOptions
    {
        ApiBaseUrl = _line.BaseUrl,
        DataApiBaseUrl = _line.BaseUrl,
        RetryDelay = TimeSpan.FromMilliseconds(1),
        MaxRetryDelay = TimeSpan.FromMilliseconds(10),
    }, TimeProvider.System);

    [Fact]
    public async Task Mark_as_read_posts_the_token_with_the_channel_token()
    {
        await Client().MarkAsReadAsync(Channel, "nz0x74mZT2mRn", default);

        var request = _line.RequestsTo("/v2/bot/chat/markAsRead").Should().ContainSingle().Subject;
        request.Body.Should().Be("""{"markAsReadToken":"nz0x74mZT2mRn"}""");
        request.Header("Authorization").Should().Be("Bearer " + Token);
    }

    [Fact]
    public async Task Mark_as_read_refused_by_LINE_is_a_client_error_not_retried()
    {
        _line.Script("POST", "/v2/bot/chat/markAsRead", FakeReply.Error(400, "An invalid markAsReadToken is specified."));

        var failure = await FluentActions.Awaiting(() => Client().MarkAsReadAsync(Channel, "stale", default)).Should().ThrowAsync<LineApiException>();

        failure.Which.Kind.Should().Be(LineErrorKind.ClientError);
        failure.Which.Status.Should().Be(400);
        _line.RequestsTo("/v2/bot/chat/markAsRead").Should().ContainSingle();
    }

    [Fact]
    public async Task The_loading_animation_names_the_user_and_the_seconds_and_takes_only_what_LINE_takes()
    {
        await Client().StartLoadingAnimationAsync(Channel, "U4af4980629aaaaaaaaaaaaaaaaaaaaaa", 25, default);

        _line.RequestsTo("/v2/bot/chat/loading/start").Should().ContainSingle().Which.Body.Should().Be("""{"chatId":"U4af4980629aaaaaaaaaaaaaaaaaaaaaa","loadingSeconds":25}""");
        foreach (var seconds in new[] { 0, 4, 7, 65 })
        {
            await FluentActions.Awaiting(() => Client().StartLoadingAnimationAsync(Channel, "U4af4980629aaaaaaaaaaaaaaaaaaaaaa", seconds, default)).Should().ThrowAsync<ArgumentOutOfRangeException>();
        }

        _line.RequestsTo("/v2/bot/chat/loading/start").Should().ContainSingle();
    }

    [Fact]
    public async Task The_quota_is_the_limit_and_the_months_usage()
    {
        _line.Script("GET", "/v2/bot/message/quota", new FakeReply(200, """{"type":"limited","value":1000}"""));
        _line.Script("GET", "/v2/bot/message/quota/consumption", new FakeReply(200, """{"totalUsage":812}"""));

        var quota = await Client().GetMessageQuotaAsync(Channel, default);

        quota.Should().Be(new MessageQuota(1000, 812));
        quota.UsedShare.Should().BeApproximately(0.812, 1e-9);
    }

    [Fact]
    public async Task An_account_without_a_target_limit_has_no_share()
    {
        _line.Script("GET", "/v2/bot/message/quota", new FakeReply(200, """{"type":"none"}"""));
        _line.Script("GET", "/v2/bot/message/quota/consumption", new FakeReply(200, """{"totalUsage":12345}"""));

        var quota = await Client().GetMessageQuotaAsync(Channel, default);

        quota.Should().Be(new MessageQuota(null, 12345));
        quota.UsedShare.Should().BeNull();
    }

    [Theory]
    [InlineData("""{"type":"limited"}""")]
    [InlineData("""{"type":"unlimited","value":5}""")]
    [InlineData("""{"value":5}""")]
    public async Task A_quota_answer_that_breaks_LINEs_shape_is_unreadable(string answer)
    {
        _line.Script("GET", "/v2/bot/message/quota", new FakeReply(200, answer));

        var failure = await FluentActions.Awaiting(() => Client().GetMessageQuotaAsync(Channel, default)).Should().ThrowAsync<LineApiException>();

        failure.Which.LineMessage.Should().StartWith("LINE's answer could not be read");
    }
}
