using System.Net;
using System.Text;
using LineConnector.Core.Channels;
using LineConnector.Core.Inbound;
using LineConnector.Core.Line;
using LineConnector.Core.Queueing;
using LineConnector.Core.Storage;
using LineConnector.Functions.KeyVault;
using LineConnector.Tests.Channels;
using LineConnector.Tests.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using LineConnector.Tests.Support;

namespace LineConnector.Tests.KeyVault;

public class KeyVaultChannelSecretsTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeKeyVault _vault = new() { Now = Start };
    private readonly TestClock _clock = new(Start);
    private readonly KeyVaultOptions _options = new() { VaultUri = FakeKeyVault.VaultUri, CacheDuration = TimeSpan.FromMinutes(5), PreviousSecretGracePeriod = TimeSpan.FromHours(1) };
    private readonly KeyVaultChannelSecrets _secrets;

    public KeyVaultChannelSecretsTests()
    {
        _secrets = new KeyVaultChannelSecrets(_vault.Client(), _options, _clock, NullLogger<KeyVaultChannelSecrets>.Instance);
    }

    [Fact]
    public void Secret_names_follow_the_documented_pattern()
    {
        ChannelSecretNames.ChannelSecret("acme").Should().Be("line-acme-channel-secret");
        ChannelSecretNames.AccessToken("acme").Should().Be("line-acme-access-token");
        ChannelSecretNames.PreviousChannelSecret("acme").Should().Be("line-acme-channel-secret-previous");
        ChannelSecretNames.ChannelSecret("Acme_Support").Should().Be("line-acme-support-channel-secret", "Key Vault names are case-insensitive and have no '_'");
    }

    [Fact]
    public async Task Reads_the_channels_secrets_and_caches_them_until_they_expire()
    {
        _vault.Set("line-acme-channel-secret", "s1");
        _vault.Set("line-acme-access-token", "t1");

        var first = await _secrets.GetAsync("acme", refresh: false, default);
        _vault.Set("line-acme-channel-secret", "s2");
        var cached = await _secrets.GetAsync("acme", refresh: false, default);
        _clock.Advance(TimeSpan.FromMinutes(5));
        var expired = await _secrets.GetAsync("acme", refresh: false, default);

        first.Should().Be(new ChannelSecrets("s1", "t1", null, null));
        cached.ChannelSecret.Should().Be("s1");
        expired.ChannelSecret.Should().Be("s2");
        _vault.Reads("line-acme-channel-secret").Should().Be(2);
    }

    [Fact]
    public async Task Refresh_reads_again_at_once()
    {
        _vault.Set("line-acme-channel-secret", "s1");
        await _secrets.GetAsync("acme", refresh: false, default);
        _vault.Set("line-acme-channel-secret", "s2");

        (await _secrets.GetAsync("acme", refresh: true, default)).ChannelSecret.Should().Be("s2");
    }

    [Fact]
    public async Task A_channel_without_secrets_has_none()
    {
        (await _secrets.GetAsync("ghost", refresh: false, default)).Should().Be(ChannelSecrets.None);
    }

    [Fact]
    public async Task The_previous_secret_is_accepted_until_its_tag()
    {
        _vault.Set("line-acme-channel-secret", "new");
        _vault.Set("line-acme-channel-secret-previous", "old", new Dictionary<string, string> { ["accepted-until"] = "2026-03-01T09:30:00Z" });

        var secrets = await _secrets.GetAsync("acme", refresh: false, default);

        secrets.AcceptedAt(Start.AddMinutes(29)).Should().Equal("new", "old");
        secrets.AcceptedAt(Start.AddMinutes(30)).Should().Equal("new");
    }

    [Fact]
    public async Task Without_a_tag_the_previous_secret_is_accepted_for_the_grace_period_after_it_was_written()
    {
        _vault.Set("line-acme-channel-secret", "new");
        _vault.Set("line-acme-channel-secret-previous", "old", updated: Start.AddMinutes(-10));

        var secrets = await _secrets.GetAsync("acme", refresh: false, default);

        secrets.PreviousAcceptedUntil.Should().Be(Start.AddMinutes(50));
    }

    [Fact]
    public async Task A_malformed_tag_accepts_no_previous_secret()
    {
        _vault.Set("line-acme-channel-secret", "new");
        _vault.Set("line-acme-channel-secret-previous", "old", new Dictionary<string, string> { ["accepted-until"] = "tomorrow" });

        (await _secrets.GetAsync("acme", refresh: false, default)).AcceptedAt(Start).Should().Equal("new");
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.Forbidden)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task Key_vault_failing_is_store_unavailable_without_secret_values(HttpStatusCode status)
    {
        _vault.Set("line-acme-channel-secret", "very-secret-value");
        _vault.FailWith = status;

        var read = () => _secrets.GetAsync("acme", refresh: false, default).AsTask();

        var error = (await read.Should().ThrowAsync<SecretStoreException>()).Which;
        error.Message.Should().Contain("line-acme-").And.Contain($"HTTP {(int)status}").And.NotContain("very-secret-value");
    }

    [Fact]
    public async Task Key_vault_unreachable_is_store_unavailable()
    {
        _vault.Unreachable = true;

        var read = () => _secrets.GetAsync("acme", refresh: false, default).AsTask();
        var write = () => _secrets.WriteAsync("acme", new ChannelCredentials("brand-new-secret", null), default);

        (await read.Should().ThrowAsync<SecretStoreException>()).Which.Message.Should().Contain("could not be reached").And.Contain("Connection refused");
        (await write.Should().ThrowAsync<SecretStoreException>()).Which.Message.Should().NotContain("brand-new-secret");
    }

    [Fact]
    public async Task Writing_a_new_secret_keeps_the_old_one_as_previous_for_the_grace_period()
    {
        _vault.Set("line-acme-channel-secret", "old");
        _vault.Set("line-acme-access-token", "old-token");

        await _secrets.WriteAsync("acme", new ChannelCredentials("new", null), default);

        _vault.Get("line-acme-channel-secret")!.Value.Should().Be("new");
        var previous = _vault.Get("line-acme-channel-secret-previous")!;
        previous.Value.Should().Be("old");
        previous.Tags.Should().Contain("accepted-until", "2026-03-01T10:00:00Z");
        _vault.Get("line-acme-access-token").Should().BeNull("without a long-lived token, tokens are minted from the secret");
        var read = await _secrets.GetAsync("acme", refresh: false, default);
        read.AcceptedAt(_clock.GetUtcNow()).Should().Equal("new", "old");
        read.AccessToken.Should().BeNull();
    }

    [Fact]
    public async Task Writing_the_same_secret_keeps_the_previous_one_as_it_is()
    {
        _vault.Set("line-acme-channel-secret", "same");

        await _secrets.WriteAsync("acme", new ChannelCredentials("same", "token"), default);

        _vault.Get("line-acme-channel-secret-previous").Should().BeNull();
        _vault.Get("line-acme-access-token")!.Value.Should().Be("token");
    }

    [Fact]
    public async Task A_failed_write_is_store_unavailable_without_secret_values()
    {
        _vault.FailWith = HttpStatusCode.Forbidden;

        var write = () => _secrets.WriteAsync("acme", new ChannelCredentials("brand-new-secret", "brand-new-token"), default);

        var error = (await write.Should().ThrowAsync<SecretStoreException>()).Which;
        error.Message.Should().NotContain("brand-new");
    }

    [Fact]
    public async Task A_rotated_secret_is_read_again_once_when_a_signature_does_not_match()
    {
        var (intake, queue) = await WebhookAsync();
        _vault.Set("line-acme-channel-secret", "first");
        (await intake.AcceptAsync("acme", Body, LineSignature.Compute(Body.Span, "first"), default)).Status.Should().Be(WebhookStatus.Accepted);

        _vault.Set("line-acme-channel-secret", "rotated");
        var outcome = await intake.AcceptAsync("acme", Body, LineSignature.Compute(Body.Span, "rotated"), default);

        outcome.Status.Should().Be(WebhookStatus.Accepted);
        _vault.Reads("line-acme-channel-secret").Should().Be(2, "one read to fill the cache, one re-read after the mismatch");
        queue.Sent.Should().Be(2);
    }

    [Fact]
    public async Task A_wrong_signature_costs_one_re_read_then_401()
    {
        var (intake, _) = await WebhookAsync();
        _vault.Set("line-acme-channel-secret", "first");

        var outcome = await intake.AcceptAsync("acme", Body, LineSignature.Compute(Body.Span, "forged"), default);

        outcome.Status.Should().Be(WebhookStatus.BadSignature);
        _vault.Reads("line-acme-channel-secret").Should().Be(2);
    }

    [Fact]
    public async Task Key_vault_down_makes_the_webhook_fail_with_store_unavailable_not_401()
    {
        var (intake, _) = await WebhookAsync();
        _vault.FailWith = HttpStatusCode.ServiceUnavailable;

        var outcome = await intake.AcceptAsync("acme", Body, LineSignature.Compute(Body.Span, "first"), default);

        outcome.Status.Should().Be(WebhookStatus.StoreUnavailable);
    }

    [Fact]
    public async Task The_previous_secret_signs_webhooks_during_the_grace_period_only()
    {
        var (intake, _) = await WebhookAsync();
        _vault.Set("line-acme-channel-secret", "old");
        await _secrets.WriteAsync("acme", new ChannelCredentials("new", null), default);

        (await intake.AcceptAsync("acme", Body, LineSignature.Compute(Body.Span, "old"), default)).Status.Should().Be(WebhookStatus.Accepted);
        _clock.Advance(TimeSpan.FromHours(1));
        (await intake.AcceptAsync("acme", Body, LineSignature.Compute(Body.Span, "old"), default)).Status.Should().Be(WebhookStatus.BadSignature);
    }

    private static readonly ReadOnlyMemory<byte> Body = Encoding.UTF8.GetBytes(
        "{\"destination\":\"Ubot\",\"events\":[{\"type\":\"follow\",\"mode\":\"active\",\"timestamp\":1700000000000,\"source\":{\"type\":\"user\",\"userId\":\"U1\"},\"webhookEventId\":\"01HZZZZZZZZZZZZZZZZZZZZZZZ\",\"deliveryContext\":{\"isRedelivery\":false},\"replyToken\":\"r1\"}]}");

    [Fact]
    public async Task Ten_thousand_wrong_signatures_cost_at_most_one_re_read_per_10_seconds()
    {
        var limit = new SecretRefreshLimit(new SecretRefreshOptions(), _clock);
        var (intake, queue) = await WebhookAsync(new RefreshLimitedChannelSecrets(_secrets, limit), limit);
        _vault.Set("line-acme-channel-secret", "first");
        var forged = LineSignature.Compute(Body.Span, "forged");

        for (var i = 0; i < 10_000; i++)
        {
            (await intake.AcceptAsync("acme", Body, forged, default)).Status.Should().Be(WebhookStatus.BadSignature);
            if (i % 1_000 == 999)
            {
                // 9 s between bursts: 10,000 attempts over 90 s.
                _clock.Advance(TimeSpan.FromSeconds(9));
            }
        }

        // One read fills the cache; over the 81 s of attempts a mismatch re-reads at 0, 18, 36, 54 and 72 s (every second burst).
        _vault.Reads("line-acme-channel-secret").Should().Be(1 + 5);
        _vault.Reads("line-acme-access-token").Should().Be(_vault.Reads("line-acme-channel-secret"), "a re-read reads the channel's three secrets together");
        queue.Sent.Should().Be(0);

        // A rotated secret is still taken up once the interval has passed.
        _vault.Set("line-acme-channel-secret", "rotated");
        _clock.Advance(TimeSpan.FromSeconds(10));
        (await intake.AcceptAsync("acme", Body, LineSignature.Compute(Body.Span, "rotated"), default)).Status.Should().Be(WebhookStatus.Accepted);
    }

    [Fact]
    public async Task Within_the_interval_a_wrong_signature_is_refused_from_the_cache()
    {
        var limit = new SecretRefreshLimit(new SecretRefreshOptions { MinRefreshInterval = TimeSpan.FromSeconds(10) }, _clock);
        var (intake, _) = await WebhookAsync(new RefreshLimitedChannelSecrets(_secrets, limit), limit);
        _vault.Set("line-acme-channel-secret", "first");

        await intake.AcceptAsync("acme", Body, LineSignature.Compute(Body.Span, "forged"), default);
        var afterFirst = _vault.Reads("line-acme-channel-secret");
        _clock.Advance(TimeSpan.FromSeconds(9.9));
        await intake.AcceptAsync("acme", Body, LineSignature.Compute(Body.Span, "forged"), default);
        var within = _vault.Reads("line-acme-channel-secret");
        _clock.Advance(TimeSpan.FromSeconds(0.1));
        await intake.AcceptAsync("acme", Body, LineSignature.Compute(Body.Span, "forged"), default);

        afterFirst.Should().Be(2, "one read fills the cache, one re-read after the first mismatch");
        within.Should().Be(afterFirst);
        _vault.Reads("line-acme-channel-secret").Should().Be(3, "10 s after the last re-read, a mismatch reads again");
    }

    private Task<(WebhookIntake Intake, CountingQueue Queue)> WebhookAsync() => WebhookAsync(_secrets, new SecretRefreshLimit(new SecretRefreshOptions(), _clock));

    private async Task<(WebhookIntake Intake, CountingQueue Queue)> WebhookAsync(IChannelSecretStore secrets, SecretRefreshLimit limit)
    {
        var repository = new ChannelRepository(new InMemoryTableStore());
        await repository.CreateAsync(new Channel("acme", ChannelStatus.Active, ChannelSamples.Settings(), null, "Ubot"), default);
        var queue = new CountingQueue();
        return (new WebhookIntake(new StoredWebhookChannels(secrets, new ChannelCache(repository, _clock), limit, _clock), queue, new RejectedEventLog(new InMemoryTableStore()), _clock), queue);
    }

    private sealed class CountingQueue : IQueueSender
    {
        public int Sent { get; private set; }

        public Task SendAsync(string queueName, IReadOnlyList<QueueMessage> messages, CancellationToken cancellationToken)
        {
            Sent++;
            return Task.CompletedTask;
        }
    }
}
