using System.Net;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using LineConnector.Core.Channels;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Queueing;
using LineConnector.Core.Storage;
using LineConnector.Functions.Channels;
using LineConnector.Functions.TableStorage;
using LineConnector.Tests.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;
using static LineConnector.Tests.Enquiries.EnquiryWorld;

namespace LineConnector.Tests.Enquiries;

/// <summary>
/// The Table requests one message costs (issue 10's storage budget), counted on the wire: the app in
/// local mode on a real Azurite, every HTTP request to the table service counted by a pipeline policy,
/// and the requests made while the inbound function handles a message told apart from the rest.
/// </summary>
public sealed class StorageBudgetTests(ITestOutputHelper output)
{
    public const int OpeningBudget = 8;
    public const int ContinuingBudget = 6;
    public const int ReplyBudget = 6;

    [Fact]
    public async Task An_opening_message_a_continuing_message_and_a_staff_reply_stay_within_their_Table_requests()
    {
        var counter = new RequestCounter();
        await using var world = await StartAsync(services: services =>
        {
            var options = TableStorageSettings.CreateClientOptions();
            options.AddPolicy(counter, HttpPipelinePosition.PerRetry);
            services.Replace(ServiceDescriptor.Singleton<ITableStore>(
                new AzureTableStore(new TableServiceClient(AzuriteTableStoreTests.ConnectionString(AzuriteTableStoreTests.DevelopmentAccountKey), options))));
            foreach (var handler in services.Where(d => d.ServiceType == typeof(IQueueMessageHandler)).ToList())
            {
                services.Remove(handler);
                services.AddSingleton<IQueueMessageHandler>(sp => new CountedHandler((IQueueMessageHandler)(handler.ImplementationInstance
                    ?? handler.ImplementationFactory?.Invoke(sp)
                    ?? ActivatorUtilities.CreateInstance(sp, handler.ImplementationType!))));
            }
        });
        await SeedChannelAsync(world);
        var user = "U" + Guid.NewGuid().ToString("N");
        var opening = "01BUDGET" + Guid.NewGuid().ToString("N")[..18].ToUpperInvariant();
        var continuing = "01BUDGET" + Guid.NewGuid().ToString("N")[..18].ToUpperInvariant();
        var id = EnquiryIds.For(EnquiryWorld.Channel, user, opening);

        // Tables exist and the channel is read once per instance, as in a warm function app.
        await world.PostWebhookAsync(Text("U" + Guid.NewGuid().ToString("N"), "01WARM" + Guid.NewGuid().ToString("N")[..20].ToUpperInvariant()));

        var opened = await MeasureAsync(world, counter, () => world.PostWebhookAsync(Text(user, opening)));
        var continued = await MeasureAsync(world, counter, () => world.PostWebhookAsync(Text(user, continuing, "And another thing")));
        var replied = await MeasureAsync(world, counter, async () =>
        {
            var reply = """{"staff":{"id":"aiko","firstName":"Aiko"},"messages":[{"type":"text","text":"On it."}]}""";
            (await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{id}/messages", DeskSecret, reply)).StatusCode.Should().Be(HttpStatusCode.Accepted);
            await world.EventuallyAsync(() => world.Received("desk").FirstOrDefault(r => r.Message.Kind == "delivery").Message, "the delivery report");
        });

        output.WriteLine($"Table requests: opening message {opened.Inbound} (+{opened.Total - opened.Inbound} delivering its welcome), continuing message {continued.Inbound}, staff reply with its delivery {replied.Total}");
        world.Received("desk").Where(r => r.Message.Kind == "event").Select(r => r.Message.Id).Should().EndWith([opening, continuing]);
        opened.Inbound.Should().BeLessThanOrEqualTo(OpeningBudget);
        continued.Inbound.Should().BeLessThanOrEqualTo(ContinuingBudget);
        replied.Total.Should().BeLessThanOrEqualTo(ReplyBudget);
    }

    /// <summary>Local mode seeds channels from settings into its in-memory store only: the test channel is copied to Azurite.</summary>
    private static async Task SeedChannelAsync(EnquiryWorld world)
    {
        var memory = new InMemoryTableStore();
        await new LocalChannelSeeder(world.App.Services.GetRequiredService<IConfiguration>(), memory, new ChannelRepository(memory), NullLogger<LocalChannelSeeder>.Instance).StartAsync(default);
        var channel = (await new ChannelRepository(memory).GetAsync(EnquiryWorld.Channel, default))!.Channel;
        var azurite = new ChannelRepository(world.App.Services.GetRequiredService<ITableStore>());
        await azurite.RemoveAsync(EnquiryWorld.Channel, default);
        await azurite.CreateAsync(channel, default);
    }

    /// <summary>The requests <paramref name="step"/> and all it causes make, with the channel freshly cached.</summary>
    private static async Task<(int Inbound, int Total)> MeasureAsync(EnquiryWorld world, RequestCounter counter, Func<Task> step)
    {
        var channels = world.App.Services.GetRequiredService<ChannelCache>();
        channels.Forget(EnquiryWorld.Channel);
        await channels.GetAsync(EnquiryWorld.Channel, default);
        counter.Reset();
        await step();
        await world.IdleAsync();
        return (counter.Inbound, counter.Total);
    }

    /// <summary>Counts every request to the table service, retries included; those made while the inbound function handles a message apart.</summary>
    private sealed class RequestCounter : HttpPipelineSynchronousPolicy
    {
        private static readonly AsyncLocal<bool> InInbound = new();
        private int _total;
        private int _inbound;

        public int Total => Volatile.Read(ref _total);

        public int Inbound => Volatile.Read(ref _inbound);

        public static bool Handling
        {
            set => InInbound.Value = value;
        }

        public void Reset()
        {
            Volatile.Write(ref _total, 0);
            Volatile.Write(ref _inbound, 0);
        }

        public override void OnSendingRequest(HttpMessage message)
        {
            Interlocked.Increment(ref _total);
            if (InInbound.Value)
            {
                Interlocked.Increment(ref _inbound);
            }
        }
    }

    /// <summary>Marks the requests made while the inbound function handles a message.</summary>
    private sealed class CountedHandler(IQueueMessageHandler inner) : IQueueMessageHandler
    {
        public string QueueName => inner.QueueName;

        public async Task HandleAsync(ReceivedMessage message, CancellationToken cancellationToken)
        {
            RequestCounter.Handling = inner.QueueName == QueueNames.Inbound;
            await inner.HandleAsync(message, cancellationToken);
        }
    }
}
