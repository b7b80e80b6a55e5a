using LineConnector.Core.Cost;
using LineConnector.Core.Line.Api;
using LineConnector.Tests.Line.Api;
using LineConnector.Tests.Support;

namespace LineConnector.Tests.Cost;

public sealed class QuotaWatchTests : IAsyncLifetime
{
    private const string Quota = "/v2/bot/message/quota";
    private const string Consumption = "/v2/bot/message/quota/consumption";

    private readonly TestClock _clock = new();
    private FakeLineServer _line = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _line = await FakeLineServer.StartAsync();
        _http = new HttpClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _line.DisposeAsync();
    }

    private QuotaWatch Watch() => new(
        new LineApiClient(_http, new StaticTokens("quota-token"), new LineApiClientOptions { ApiBaseUrl = _line.BaseUrl, MaxRetries = 0 }, _clock),
        new QuotaWatchOptions(),
        _clock);

    private void Usage(long limit, long used)
    {
        _line.Script("GET", Quota, new FakeReply(200, $$"""{"type":"limited","value":{{limit}}}"""));
        _line.Script("GET", Consumption, new FakeReply(200, $$"""{"totalUsage":{{used}}}"""));
    }

    [Fact]
    public async Task The_quota_warns_from_80_percent_of_the_limit()
    {
        Usage(1000, 799);
        var watch = Watch();
        (await watch.GetAsync("shop", default))!.Warning.Should().BeNull();

        Usage(1000, 800);
        _clock.Advance(TimeSpan.FromMinutes(5));
        var status = await watch.GetAsync("shop", default);

        status!.Quota.Should().Be(new MessageQuota(1000, 800));
        status.Warning.Should().Be("the channel has used 800 of its 1,000 messages this month (80%): pushes fail once the limit is reached; replies within a minute stay free");
    }

    [Fact]
    public async Task LINE_is_asked_at_most_once_per_interval_per_channel()
    {
        Usage(1000, 10);
        var watch = Watch();

        await watch.GetAsync("shop", default);
        _clock.Advance(TimeSpan.FromMinutes(4));
        await watch.GetAsync("shop", default);
        _line.RequestsTo(Quota).Should().HaveCount(1);

        await watch.GetAsync("other", default);
        _line.RequestsTo(Quota).Should().HaveCount(2, "each channel has its own quota");

        _clock.Advance(TimeSpan.FromMinutes(1));
        await watch.GetAsync("shop", default);
        _line.RequestsTo(Quota).Should().HaveCount(3);
    }

    [Fact]
    public async Task LINE_failing_keeps_the_last_status_with_a_note_and_is_not_asked_again_at_once()
    {
        Usage(1000, 900);
        var watch = Watch();
        await watch.GetAsync("shop", default);

        _line.Script("GET", Quota, FakeReply.Error(500, "Internal error"));
        _clock.Advance(TimeSpan.FromMinutes(6));
        var status = await watch.GetAsync("shop", default);

        status!.Quota.Should().Be(new MessageQuota(1000, 900));
        status.Warning.Should().NotBeNull();
        status.Note.Should().StartWith("LINE did not answer the last read");
        await watch.GetAsync("shop", default);
        _line.RequestsTo(Quota).Should().HaveCount(2);
    }

    [Fact]
    public async Task A_channel_LINE_never_answered_for_has_no_quota_and_says_why()
    {
        _line.Script("GET", Quota, FakeReply.Error(401, "Authentication failed"));

        var status = await Watch().GetAsync("shop", default);

        status!.Quota.Should().BeNull();
        status.Warning.Should().BeNull();
        status.Note.Should().Contain("LINE did not answer");
    }
}
