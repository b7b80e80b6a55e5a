using LineConnector.Core;
using LineConnector.Core.Channels;
using LineConnector.Core.Line.Api;
using LineConnector.Core.Storage;
using LineConnector.Tests.Support;
using LineConnector.Tests.TestSupport;

namespace LineConnector.Tests.Channels;

/// <summary>A channel's access token, as the LINE client gets it from the stored credentials: long-lived, or minted and cached.</summary>
public sealed class ChannelTokenTests : IAsyncLifetime
{
    private readonly TestClock _clock = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly ChannelRepository _repository = new(new InMemoryTableStore());
    private readonly Secrets _secrets = new();
    private FakeLine _line = null!;
    private LineApiClient _client = null!;

    public async Task InitializeAsync()
    {
        _line = await FakeLine.StartAsync();
        _line.Add(new FakeLine.Account("1001", "secret-one", "U1111"));
        _client = Client(_line.BaseUrl, maxRetries: 2);
        await _repository.CreateAsync(new Channel("acme", ChannelStatus.Active, ChannelSamples.Settings(), "1001", "U1111"), default);
    }

    public async Task DisposeAsync() => await _line.DisposeAsync();

    [Fact]
    public async Task A_stored_long_lived_token_is_used_as_it_is()
    {
        _secrets.Value = new ChannelSecrets("secret-one", "long-lived", null, null);

        (await _client.GetAccessTokenAsync("acme", default)).Should().Be("long-lived");
        _line.TokensIssued.Should().Be(0);
    }

    [Fact]
    public async Task Without_one_a_stateless_token_is_minted_and_cached_for_less_than_its_15_minutes()
    {
        _secrets.Value = new ChannelSecrets("secret-one", null, null, null);

        var first = await _client.GetAccessTokenAsync("acme", default);
        _clock.Advance(TimeSpan.FromMinutes(12));
        var cached = await _client.GetAccessTokenAsync("acme", default);
        _clock.Advance(TimeSpan.FromMinutes(1));
        var renewed = await _client.GetAccessTokenAsync("acme", default);

        first.Should().StartWith("stateless-");
        cached.Should().Be(first);
        renewed.Should().NotBe(first, "LINE's token lasts 899 s; it is replaced 2 minutes before that");
        _line.TokensIssued.Should().Be(2);
    }

    [Fact]
    public async Task The_minted_token_works_for_the_channels_bot()
    {
        _secrets.Value = new ChannelSecrets("secret-one", null, null, null);

        var bot = await _client.GetBotInfoAsync(LineCredential.LongLived(await _client.GetAccessTokenAsync("acme", default)), default);

        bot.UserId.Should().Be("U1111");
    }

    [Fact]
    public async Task Bot_info_with_a_channel_id_and_secret_mints_a_token_first()
    {
        var bot = await _client.GetBotInfoAsync(LineCredential.Stateless("1001", "secret-one"), default);

        bot.UserId.Should().Be("U1111");
        _line.TokensIssued.Should().Be(1);
    }

    [Fact]
    public async Task Forget_mints_a_new_token_after_a_credential_change()
    {
        _secrets.Value = new ChannelSecrets("secret-one", null, null, null);
        var first = await _client.GetAccessTokenAsync("acme", default);

        _client.ForgetToken("acme");

        (await _client.GetAccessTokenAsync("acme", default)).Should().NotBe(first);
    }

    [Fact]
    public async Task Without_a_line_channel_id_the_error_names_the_property()
    {
        await _repository.CreateAsync(new Channel("no-id", ChannelStatus.Active, ChannelSamples.Settings(), null, null), default);
        _secrets.Value = new ChannelSecrets("secret-one", null, null, null);

        var get = () => _client.GetAccessTokenAsync("no-id", default).AsTask();

        var error = (await get.Should().ThrowAsync<DomainException>()).Which;
        error.Error.Should().Be(DomainError.Misconfigured);
        error.Message.Should().Contain("'no-id'").And.Contain("LineChannelId").And.Contain("line-no-id-access-token");
    }

    [Fact]
    public async Task A_deleted_or_unknown_channel_has_no_token()
    {
        _secrets.Value = new ChannelSecrets("secret-one", "long-lived", null, null);
        await _repository.ChangeAsync("acme", "*", c => c with { Status = ChannelStatus.Deleted }, default);

        (await FluentActions.Awaiting(() => _client.GetAccessTokenAsync("acme", default).AsTask()).Should().ThrowAsync<DomainException>()).Which.Error.Should().Be(DomainError.NotFound);
        (await FluentActions.Awaiting(() => _client.GetAccessTokenAsync("ghost", default).AsTask()).Should().ThrowAsync<DomainException>()).Which.Error.Should().Be(DomainError.NotFound);
    }

    [Fact]
    public async Task A_refused_secret_is_an_error_without_the_secret()
    {
        _secrets.Value = new ChannelSecrets("not-the-secret", null, null, null);

        var get = () => _client.GetAccessTokenAsync("acme", default).AsTask();

        var error = (await get.Should().ThrowAsync<DomainException>()).Which;
        error.Error.Should().Be(DomainError.Misconfigured);
        error.Message.Should().Contain("HTTP 400 invalid_client").And.NotContain("not-the-secret");
    }

    [Fact]
    public async Task Line_failing_is_retried_then_reported_with_its_status()
    {
        _secrets.Value = new ChannelSecrets("secret-one", null, null, null);
        _line.FailWith = 503;

        var get = () => _client.GetAccessTokenAsync("acme", default).AsTask();

        var error = (await get.Should().ThrowAsync<LineApiException>()).Which;
        error.Status.Should().Be(503);
        error.IsTransient.Should().BeTrue();
        error.Attempts.Should().Be(3, "the token endpoint follows the client's one retry policy");
    }

    [Fact]
    public async Task Unreachable_line_is_status_0()
    {
        var client = Client(new Uri("http://127.0.0.1:1/"), maxRetries: 1);

        var get = () => client.GetBotInfoAsync(LineCredential.LongLived("token"), default);

        (await get.Should().ThrowAsync<LineApiException>()).Which.Status.Should().Be(0);
    }

    private LineApiClient Client(Uri line, int maxRetries) => new(
        new HttpClient(),
        new StoredChannelCredentials(new ChannelCache(_repository, _clock), _secrets),
        new LineApiClientOptions { ApiBaseUrl = line, DataApiBaseUrl = line, MaxRetries = maxRetries, RetryDelay = TimeSpan.FromMilliseconds(1), MaxRetryDelay = TimeSpan.FromMilliseconds(10) },
        _clock);

    private sealed class Secrets : IChannelSecretStore
    {
        public ChannelSecrets Value { get; set; } = ChannelSecrets.None;

        public ValueTask<ChannelSecrets> GetAsync(string channelId, bool refresh, CancellationToken cancellationToken) => ValueTask.FromResult(Value);
    }
}
