using System.Text;
using Azure.Messaging.ServiceBus;
using BenchmarkDotNet.Attributes;
using LineConnector.Core.Channels;
using LineConnector.Core.Inbound;
using LineConnector.Core.Line;
using LineConnector.Core.Queueing;
using LineConnector.Core.Storage;
using LineConnector.Functions.ServiceBus;

namespace LineConnector.Benchmarks;

/// <summary>
/// The webhook's work per request: verify the signature, split the events, and put them in the
/// Service Bus SDK's messages and batch (the network send itself is not measured).
/// </summary>
[MemoryDiagnoser]
public class WebhookIntakeBenchmarks
{
    private const string Secret = "benchmark-channel-secret";
    private WebhookIntake _intake = null!;
    private byte[] _body = null!;
    private string _signature = null!;

    /// <summary>Approximate body size in bytes: one event, or a batch of events from several users.</summary>
    [Params(1024, 65536)]
    public int BodyBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _body = Encoding.UTF8.GetBytes(WebhookBodies.OfSize(BodyBytes));
        _signature = LineSignature.Compute(_body, Secret);
        _intake = new WebhookIntake(new OneChannel(), new ServiceBusQueueSender(new DiscardingServiceBus()), new RejectedEventLog(new InMemoryTableStore()), TimeProvider.System);
    }

    [Benchmark]
    public async Task<WebhookOutcome> VerifySplitEnqueue()
    {
        var outcome = await _intake.AcceptAsync("shop", _body, _signature, CancellationToken.None);
        return outcome.Status == WebhookStatus.Accepted ? outcome : throw new InvalidOperationException(outcome.Reason);
    }

    private sealed class OneChannel : IWebhookChannelSource
    {
        private readonly WebhookChannel _channel = new("shop", [Secret], null);

        public ValueTask<WebhookChannel?> FindAsync(string channelId, bool refreshSecrets, CancellationToken cancellationToken) =>
            ValueTask.FromResult<WebhookChannel?>(_channel);
    }

    /// <summary>A Service Bus client whose senders fill real SDK message batches and send them nowhere.</summary>
    private sealed class DiscardingServiceBus : ServiceBusClient
    {
        private readonly DiscardingSender _sender = new();

        public override ServiceBusSender CreateSender(string queueOrTopicName) => _sender;
    }

    private sealed class DiscardingSender : ServiceBusSender
    {
        public override ValueTask<ServiceBusMessageBatch> CreateMessageBatchAsync(CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(ServiceBusModelFactory.ServiceBusMessageBatch(256 * 1024, new List<ServiceBusMessage>()));

        public override Task SendMessagesAsync(ServiceBusMessageBatch messageBatch, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}

/// <summary>Webhook bodies shaped as LINE sends them, of about a given size.</summary>
public static class WebhookBodies
{
    public static string OfSize(int bytes)
    {
        var events = new List<string>();
        var size = 80;
        for (var i = 0; size < bytes; i++)
        {
            var text = i == 0 && bytes <= 2048 ? new string('あ', Math.Max(1, (bytes - 600) / 3)) : "Hello \\u3053\\u3093\\u306b\\u3061\\u306f, I'd like to ask about my order number " + i;
            var json = $$"""{"type":"message","message":{"type":"text","id":"46878957789826{{i:D4}}","quoteToken":"q3Plxr4AgKd8Ew","text":"{{text}}"},"webhookEventId":"01H810YECXQQZ37VAXPF6H{{i:D4}}","deliveryContext":{"isRedelivery":false},"timestamp":1692251666727,"source":{"type":"user","userId":"U4af4980629{{i % 7:D22}}"},"replyToken":"38ef843bde154d9b91c21320ffd17a0f","mode":"active"}""";
            events.Add(json);
            size += Encoding.UTF8.GetByteCount(json) + 1;
        }

        return $$"""{"destination":"U0123456789abcdef0123456789abcdef","events":[{{string.Join(",", events)}}]}""";
    }
}
