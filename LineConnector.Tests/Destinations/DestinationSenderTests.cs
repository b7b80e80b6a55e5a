using System.Net;
using System.Text.Json;
using LineConnector.Core;
using LineConnector.Core.Channels;
using LineConnector.Core.Cost;
using LineConnector.Core.Destinations;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Line.Api;
using LineConnector.Core.Outbound;
using LineConnector.Core.Storage;
using LineConnector.Functions.Destinations;
using LineConnector.Functions.KeyVault;
using LineConnector.Functions.Outbound;
using LineConnector.Tests.Channels;
using LineConnector.Tests.KeyVault;
using LineConnector.Tests.Line.Api;
using LineConnector.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Http;

namespace LineConnector.Tests.Destinations;

public class DestinationSenderTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 21, 9, 0, 0, TimeSpan.Zero);

    private static DestinationMessage Message(string id = "01A") => new()
    {
        Kind = DestinationMessage.EventKind,
        Id = id,
        Enquiry = new EnquiryInfo("shop.0123456789abcdef01234567", "open", null),
        Channel = new ChannelInfo("shop", "Shop", "", "none"),
        SentAt = At,
    };

    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(v => v.Key, v => (string?)v.Value)).Build();

    private static DestinationSender Sender(RecordingQueueSender queue, IDestinationSecrets secrets) =>
        new(new DestinationWebhookClient(new HttpClient(), new DestinationWebhookOptions { AllowLoopbackHttp = true }, TimeProvider.System), queue, secrets, TimeProvider.System);

    [Fact]
    public async Task A_queue_destination_gets_the_message_on_its_queue_in_the_conversations_session()
    {
        var queue = new RecordingQueueSender();

        var outcome = await Sender(queue, new ConfiguredDestinationSecrets(Settings())).SendAsync("shop", ChannelSamples.Queue("desk"), Message(), "shop:U1", default);

        outcome.Result.Should().Be(DestinationResult.Accepted);
        var (name, sent) = queue.Sent.Should().ContainSingle().Subject;
        name.Should().Be("desk-enquiries");
        sent.MessageId.Should().Be("01A");
        sent.SessionId.Should().Be("shop:U1");
        JsonSerializer.Deserialize(sent.Body.Span, DestinationJsonContext.Default.DestinationMessage).Should().BeEquivalentTo(Message());
    }

    [Fact]
    public async Task A_webhook_destination_without_a_secret_is_refused_naming_the_setting()
    {
        var outcome = await Sender(new RecordingQueueSender(), new ConfiguredDestinationSecrets(Settings())).SendAsync("shop", ChannelSamples.Webhook("desk"), Message(), "shop:U1", default);

        outcome.Result.Should().Be(DestinationResult.Refused);
        outcome.Reason.Should().Be("Destination 'desk' of channel 'shop' has no secret: set Channels__shop__Destinations__desk__Secret.");
    }

    [Fact]
    public async Task A_webhook_destination_gets_the_body_signed_with_its_secret()
    {
        await using var server = await TestHttpServer.StartAsync((_, context) => Task.CompletedTask);
        var destination = ChannelSamples.Webhook("desk") with { WebhookUrl = new Uri(server.BaseAddress, "desk") };
        var secrets = new ConfiguredDestinationSecrets(Settings(("Channels:shop:Destinations:desk:Secret", "desk-secret")));

        var outcome = await Sender(new RecordingQueueSender(), secrets).SendAsync("shop", destination, Message(), "shop:U1", default);

        outcome.Result.Should().Be(DestinationResult.Accepted);
        var request = server.Requests.Should().ContainSingle().Subject;
        DestinationSignature.IsValid(request.Body, request.Headers[DestinationSignature.Header], "desk-secret").Should().BeTrue();
        JsonDocument.Parse(request.Body).RootElement.GetProperty("kind").GetString().Should().Be("event");
    }

    [Fact]
    public async Task Wrong_bearers_re_read_a_channels_destination_secrets_at_most_once_per_interval()
    {
        var vault = new FakeKeyVault();
        vault.Set("line-shop-destination-desk-secret", "from-vault");
        vault.Set("line-shop-destination-other-secret", "other-secret");
        vault.Set("line-mall-destination-desk-secret", "mall-secret");
        var clock = new TestClock(At);
        var secrets = new RefreshLimitedDestinationSecrets(
            new KeyVaultDestinationSecrets(vault.Client(), new KeyVaultOptions { VaultUri = FakeKeyVault.VaultUri, CacheDuration = TimeSpan.FromMinutes(5) }, clock),
            new SecretRefreshLimit(new SecretRefreshOptions(), clock));

        await secrets.GetAsync("shop", "desk", refresh: false, default);
        await secrets.GetAsync("shop", "other", refresh: false, default);
        await secrets.GetAsync("mall", "desk", refresh: false, default);
        for (var i = 0; i < 10_000; i++)
        {
            await secrets.GetAsync("shop", "desk", refresh: true, default);
        }

        vault.Reads("line-shop-destination-desk-secret").Should().Be(2, "one read fills the cache, one re-read is allowed in the interval");
        vault.Set("line-shop-destination-other-secret", "other-rotated");
        (await secrets.GetAsync("shop", "other", refresh: true, default)).Should().Be("other-secret", "the channel's destinations share one re-read per interval");
        vault.Reads("line-shop-destination-other-secret").Should().Be(1);
        vault.Set("line-mall-destination-desk-secret", "mall-rotated");
        (await secrets.GetAsync("mall", "desk", refresh: true, default)).Should().Be("mall-rotated", "another channel has its own limit");
        clock.Advance(TimeSpan.FromSeconds(10));
        vault.Set("line-shop-destination-desk-secret", "rotated");
        (await secrets.GetAsync("shop", "desk", refresh: true, default)).Should().Be("rotated");
        vault.Reads("line-shop-destination-desk-secret").Should().Be(3);
    }

    [Fact]
    public void The_app_limits_forced_re_reads_of_channel_and_destination_secrets()
    {
        using var app = new ConnectorApp();

        app.Services.GetRequiredService<IDestinationSecrets>().Should().BeOfType<RefreshLimitedDestinationSecrets>();
        app.Services.GetRequiredService<IChannelSecretStore>().Should().BeOfType<RefreshLimitedChannelSecrets>();
    }

    [Fact]
    public async Task Key_Vault_secrets_are_read_by_name_cached_and_reread_on_request()
    {
        var vault = new FakeKeyVault();
        vault.Set("line-shop-destination-desk-secret", "from-vault");
        var clock = new TestClock(At);
        var secrets = new KeyVaultDestinationSecrets(vault.Client(), new KeyVaultOptions { VaultUri = FakeKeyVault.VaultUri, CacheDuration = TimeSpan.FromMinutes(5) }, clock);

        (await secrets.GetAsync("shop", "desk", refresh: false, default)).Should().Be("from-vault");
        vault.Set("line-shop-destination-desk-secret", "rotated");
        (await secrets.GetAsync("shop", "desk", refresh: false, default)).Should().Be("from-vault");
        (await secrets.GetAsync("shop", "desk", refresh: true, default)).Should().Be("rotated");
        vault.Reads("line-shop-destination-desk-secret").Should().Be(2);
        clock.Advance(TimeSpan.FromMinutes(6));
        vault.Set("line-shop-destination-desk-secret", "later");
        (await secrets.GetAsync("shop", "desk", refresh: false, default)).Should().Be("later");
    }

    [Fact]
    public async Task A_missing_Key_Vault_secret_names_it_and_an_unreachable_vault_is_unavailable()
    {
        var vault = new FakeKeyVault();
        var secrets = new KeyVaultDestinationSecrets(vault.Client(), new KeyVaultOptions { VaultUri = FakeKeyVault.VaultUri }, TimeProvider.System);

        var missing = async () => await secrets.GetAsync("shop", "desk", refresh: false, default);
        var refusal = (await missing.Should().ThrowAsync<DomainException>()).Which;
        refusal.Message.Should().Contain("'line-shop-destination-desk-secret'");
        refusal.Error.Should().Be(DomainError.Misconfigured);

        vault.Unreachable = true;
        await missing.Should().ThrowAsync<SecretStoreException>();
        vault.Unreachable = false;
        vault.FailWith = HttpStatusCode.ServiceUnavailable;
        await missing.Should().ThrowAsync<SecretStoreException>();
    }

    [Fact]
    public async Task The_reporter_logs_every_result_and_tells_the_destination_that_sent_the_reply()
    {
        string? status = null;
        await using var server = await TestHttpServer.StartAsync((request, context) =>
        {
            status = JsonDocument.Parse(request.Body).RootElement.GetProperty("delivery").GetProperty("status").GetString();
            return Task.CompletedTask;
        });
        var (reporter, logs, _) = await ReporterAsync(server);

        await reporter.ReportAsync(Result("out-1", OutboundStatus.Failed, "desk"), default);
        await reporter.ReportAsync(Result("out-2", OutboundStatus.Delivered, reportTo: null), default);

        var request = server.Requests.Should().ContainSingle().Subject;
        request.Headers[DestinationSignature.DeliveryIdHeader].Should().Be("delivery-out-1");
        var delivery = JsonDocument.Parse(request.Body).RootElement.GetProperty("delivery");
        delivery.GetProperty("failure").GetProperty("kind").GetString().Should().Be("rejected-by-line");
        delivery.GetProperty("failure").GetProperty("lineStatus").GetInt32().Should().Be(400);
        status.Should().Be("failed");
        logs.AllText.Should().Contain("Outbound out-1 on channel shop failed").And.Contain("Outbound out-2 on channel shop delivered");
    }

    [Fact]
    public async Task An_unavailable_destination_makes_the_report_retried_and_a_refusing_one_is_logged()
    {
        var answers = new Queue<int>([503, 400]);
        await using var server = await TestHttpServer.StartAsync((_, context) =>
        {
            context.Response.StatusCode = answers.Dequeue();
            return Task.CompletedTask;
        });
        var (reporter, logs, _) = await ReporterAsync(server);

        var report = () => reporter.ReportAsync(Result("out-1", OutboundStatus.Delivered, "desk"), default);

        await report.Should().ThrowAsync<DestinationUnavailableException>();
        await report.Should().NotThrowAsync();
        logs.AllText.Should().Contain("the result is not reported to desk").And.Contain("400");
        await reporter.ReportAsync(Result("out-3", OutboundStatus.Delivered, "gone"), default);
        logs.AllText.Should().Contain("not one of the channel's destinations");
    }

    private static OutboundResult Result(string id, OutboundStatus status, string? reportTo) => new(
        id, "shop", "shop.0123456789abcdef01234567", "U0123456789abcdef0123456789abcdef", reportTo, status, status == OutboundStatus.Delivered ? ["m1"] : [], [],
        status == OutboundStatus.Failed ? new OutboundFailure(OutboundFailureKind.RejectedByLine, "LINE refused the request (HTTP 400)", ["messages[0].text: too long"]) { LineStatus = 400 } : null,
        At);

    /// <summary>A quota watch whose LINE cannot be reached: reports carry no quota warning.</summary>
    private static QuotaWatch UnreachableQuota() => new(
        new LineApiClient(new HttpClient(), new StaticTokens("unused-token"), new LineApiClientOptions { ApiBaseUrl = new Uri("http://127.0.0.1:9/"), MaxRetries = 0 }, TimeProvider.System),
        new QuotaWatchOptions(),
        TimeProvider.System);

    private static async Task<(IDeliveryReporter Reporter, CapturingLoggerProvider Logs, ChannelRepository Channels)> ReporterAsync(TestHttpServer server)
    {
        var store = new InMemoryTableStore();
        var channels = new ChannelRepository(store);
        var settings = ChannelSamples.Settings("desk") with
        {
            Destinations = [ChannelSamples.Webhook("desk", DestinationKind.Staff) with { WebhookUrl = new Uri(server.BaseAddress, "desk") }],
        };
        await channels.CreateAsync(new Channel("shop", ChannelStatus.Active, settings, null, null), default);
        var logs = new CapturingLoggerProvider();
        using var factory = new LoggerFactory([logs]);
        var sender = Sender(new RecordingQueueSender(), new ConfiguredDestinationSecrets(Settings(("Channels:shop:Destinations:desk:Secret", "desk-secret"))));
        var reporter = new LoggingDeliveryReporter(
            new DestinationDeliveryReporter(new ChannelCache(channels, TimeProvider.System), new EnquiryStore(store), sender, UnreachableQuota(), TimeProvider.System),
            factory.CreateLogger<LoggingDeliveryReporter>());
        return (reporter, logs, channels);
    }
}
