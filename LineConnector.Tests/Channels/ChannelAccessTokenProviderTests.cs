using LineConnector.Core.Channels;
using LineConnector.Core.Line;
using LineConnector.Core.Storage;
using LineConnector.Tests.TestSupport;
using LineConnector.Tests.Support;

namespace LineConnector.Tests.Channels;

public sealed class ChannelAccessTokenProviderTests : IAsyncLifetime
{
    private readonly TestClock _clock = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly ChannelRepository _repository = new(new InMemoryTableStore());
    private readonly Secrets _secrets = new();
    private FakeLine _line = null!;
    private LineAccountClient _client = null!;
    private ChannelAccessTokenProvider _provider = null!;

    public async Task InitializeAsync()
    {
        _line = await FakeLine.StartAsync();
        _line.Add(new FakeLine.Account("1001", "secret-one", "U1111"));
        _client = new LineAccountClient(new HttpClient(), new LineApiOptions { ApiBaseUrl = _line.BaseUrl }, new LineAccountClientOptions { RetryDelay = TimeSpan.FromMilliseconds(1) });
        _provider = new ChannelAccessTokenProvider(new ChannelCache(_repository, _clock), _secrets, _client, _clock);
        await _repository.CreateAsync(new Channel("acme", ChannelStatus.Active, ChannelSamples.Settings(), "1001", "U1111"), default);
    }

    public async Task DisposeAsync() => await _line.DisposeAsync();

    [Fact]
    public async Task A_stored_long_lived_token_is_used_as_it_is()
    {
        _secrets.Value = new ChannelSecrets("secret-one", "long-lived", null, null);

        (await _provider.GetTokenAsync("acme", default)).Should().Be("long-lived");
        _line.TokensIssued.Should().Be(0);
    }

    [Fact]
    public async Task Without_one_a_stateless_token_is_minted_and_cached_for_less_than_its_15_minutes()
    {
        _secrets.Value = new ChannelSecrets("secret-one", null, null, null);

        var first = await _provider.GetTokenAsync("acme", default);
        _clock.Advance(TimeSpan.FromMinutes(12));
        var cached = await _provider.GetTokenAsync("acme", default);
        _clock.Advance(TimeSpan.FromMinutes(1));
        var renewed = await _provider.GetTokenAsync("acme", default);

        first.Should().StartWith("stateless-");
        cached.Should().Be(first);
        renewed.Should().NotBe(first, "LINE's token lasts 899 s; it is replaced 2 minutes before that");
        _line.TokensIssued.Should().Be(2);
    }

    [Fact]
    public async Task The_minted_token_works_for_the_channels_bot()
    {
        _secrets.Value = new ChannelSecrets("secret-one", null, null, null);

        var bot = await _client.GetBotInfoAsync(await _provider.GetTokenAsync("acme", default), default);

        bot.UserId.Should().Be("U1111");
    }

    [Fact]
    public async Task Forget_mints_a_new_token_after_a_credential_change()
    {
        _secrets.Value = new ChannelSecrets("secret-one", null, null, null);
        var first = await _provider.GetTokenAsync("acme", default);

        _provider.Forget("acme");

        (await _provider.GetTokenAsync("acme", default)).Should().NotBe(first);
    }

    [Fact]
    public async Task Without_a_line_channel_id_the_error_names_the_property()
    {
        await _repository.CreateAsync(new Channel("no-id", ChannelStatus.Active, ChannelSamples.Settings(), null, null), default);
        _secrets.Value = new ChannelSecrets("secret-one", null, null, null);

        var get = () => _provider.GetTokenAsync("no-id", default).AsTask();

        var error = (await get.Should().ThrowAsync<ChannelAccessTokenMissingException>()).Which;
        error.ChannelId.Should().Be("no-id");
        error.Message.Should().Contain("LineChannelId").And.Contain("line-no-id-access-token");
    }

    [Fact]
    public async Task A_deleted_or_unknown_channel_has_no_token()
    {
        _secrets.Value = new ChannelSecrets("secret-one", "long-lived", null, null);
        await _repository.ChangeAsync("acme", "*", c => c with { Status = ChannelStatus.Deleted }, default);

        await FluentActions.Awaiting(() => _provider.GetTokenAsync("acme", default).AsTask()).Should().ThrowAsync<ChannelAccessTokenMissingException>();
        await FluentActions.Awaiting(() => _provider.GetTokenAsync("ghost", default).AsTask()).Should().ThrowAsync<ChannelAccessTokenMissingException>();
    }

    [Fact]
    public async Task A_refused_secret_is_an_error_without_the_secret()
    {
        _secrets.Value = new ChannelSecrets("not-the-secret", null, null, null);

        var get = () => _provider.GetTokenAsync("acme", default).AsTask();

        var error = (await get.Should().ThrowAsync<ChannelAccessTokenMissingException>()).Which;
        error.Message.Should().Contain("HTTP 400 invalid_client").And.NotContain("not-the-secret");
    }

    [Fact]
    public async Task Line_failing_is_retried_then_reported_with_its_status()
    {
        _secrets.Value = new ChannelSecrets("secret-one", null, null, null);
        _line.FailWith = 503;

        var get = () => _provider.GetTokenAsync("acme", default).AsTask();

        var error = (await get.Should().ThrowAsync<ChannelStoreUnavailableException>()).Which;
        error.InnerException.Should().BeOfType<LineAccountException>().Which.Status.Should().Be(503);
    }

    [Fact]
    public async Task Unreachable_line_is_status_0()
    {
        var client = new LineAccountClient(new HttpClient(), new LineApiOptions { ApiBaseUrl = new Uri("http://127.0.0.1:1/") }, new LineAccountClientOptions { MaxRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(1) });

        var get = () => client.GetBotInfoAsync("token", default);

        (await get.Should().ThrowAsync<LineAccountException>()).Which.Status.Should().Be(0);
    }

    private sealed class Secrets : IChannelSecretStore
    {
        public ChannelSecrets Value { get; set; } = ChannelSecrets.None;

        public ValueTask<ChannelSecrets> GetAsync(string channelId, bool refresh, CancellationToken cancellationToken) => ValueTask.FromResult(Value);
    }
}
