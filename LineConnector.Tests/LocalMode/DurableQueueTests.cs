using System.Collections.Concurrent;
using System.Text;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Queueing;
using LineConnector.Core.Storage;
using LineConnector.Functions.LocalMode;
using LineConnector.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LineConnector.Tests.LocalMode;

/// <summary>
/// These tests compare messages' application properties exactly. Every app other tests start listens to
/// the connector's activity source, process-wide, and a send that is listened to writes its trace context
/// into those properties; so they run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DurableQueueCollection
{
    public const string Name = "Durable queue, without other apps listening";
}

/// <summary>The queue in a file: what was sent outlives the app, and the command line's replay reaches a running app.</summary>
[Collection(DurableQueueCollection.Name)]
public sealed class DurableQueueTests : IDisposable
{
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private readonly TemporaryFolder _folder = new();
    private readonly TestClock _clock = new();

    private string StorePath => Path.Combine(_folder.Path, "local.db");

    [Fact]
    public async Task Messages_sent_before_a_stop_are_handled_after_the_next_start_in_order()
    {
        await using (var first = Run(new Handler(block: true)))
        {
            var traced = Message("a1", "A") with { ApplicationProperties = new Dictionary<string, string> { [QueueTracing.TraceParentProperty] = TraceParent } };
            await first.Queue.SendAsync(QueueNames.Inbound, [traced, Message("b1", "B"), Message("a2", "A")], CancellationToken.None);
            await first.Queue.SendAsync(QueueNames.Inbound, [Message("a3", "A")], CancellationToken.None);
        }

        var handler = new Handler();
        await using var second = Run(handler);
        await Idle(second.Queue);

        handler.Handled.Where(m => m.SessionId == "A").Select(m => m.MessageId).Should().Equal("a1", "a2", "a3");
        handler.Handled.Where(m => m.SessionId == "B").Select(m => m.MessageId).Should().Equal("b1");
        handler.Handled.Single(m => m.MessageId == "a1").ApplicationProperties.Should().Equal(new Dictionary<string, string> { [QueueTracing.TraceParentProperty] = TraceParent });
        handler.Handled.Single(m => m.MessageId == "a2").ApplicationProperties.Should().BeEmpty();
    }

    [Fact]
    public async Task A_send_hands_an_idle_session_its_first_message_with_the_delivery_counted_in_the_store()
    {
        using var database = LocalDatabase.Open(StorePath);
        var store = new LocalQueueStore(database);
        var now = _clock.GetUtcNow();
        var a = new SessionKey(QueueNames.Inbound, "A");

        var sent = await store.SendAsync(
            QueueNames.Inbound, [Message("a1", "A"), Message("a2", "A"), Message("b1", "B")], now, now - TimeSpan.FromMinutes(10), new HashSet<SessionKey> { a }, CancellationToken.None);

        sent.Handed.Should().ContainSingle();
        sent.Handed[a].Should().Match<StoredMessage>(m => m.Message.MessageId == "a1" && m.DeliveryCount == 1 && m.EnqueuedAt == now);
        sent.Sessions.Should().Equal(new SessionKey(QueueNames.Inbound, "B"));
        // Should the app stop now, the next receive is the message's second delivery; the one after it, the next message's first.
        var again = await store.ReceiveAsync(a, null, CancellationToken.None);
        again.Should().Match<StoredMessage>(m => m.Message.MessageId == "a1" && m.DeliveryCount == 2 && m.SequenceNumber == sent.Handed[a].SequenceNumber);
        (await store.ReceiveAsync(a, again, CancellationToken.None)).Should().Match<StoredMessage>(m => m.Message.MessageId == "a2" && m.DeliveryCount == 1);
    }

    [Fact]
    public async Task A_message_to_an_idle_session_costs_two_writes_its_send_and_its_removal()
    {
        var handler = new Handler();
        await using var running = Run(handler);
        await running.Queue.SendAsync(QueueNames.Inbound, [Message("a1", "A")], CancellationToken.None);
        await Idle(running.Queue);
        var before = running.Database.Commits;

        await running.Queue.SendAsync(QueueNames.Inbound, [Message("b1", "B")], CancellationToken.None);
        await Idle(running.Queue);

        handler.Handled.Select(m => (m.MessageId, m.DeliveryCount)).Should().Equal(("a1", 1), ("b1", 1));
        (running.Database.Commits - before).Should().Be(2, "the send hands the message over: no receive reads it back");
    }

    [Fact]
    public async Task A_delivery_cut_short_counts_and_the_message_comes_again_after_a_restart()
    {
        var blocked = new Handler(block: true);
        await using (var first = Run(blocked))
        {
            await first.Queue.SendAsync(QueueNames.Inbound, [Message("m", "s")], CancellationToken.None);
            await blocked.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }

        var handler = new Handler();
        await using var second = Run(handler);
        await Idle(second.Queue);

        handler.Handled.Should().ContainSingle().Which.DeliveryCount.Should().Be(2);
    }

    [Fact]
    public async Task A_message_whose_last_delivery_was_cut_short_is_dead_lettered_at_the_next_start()
    {
        var blocked = new Handler(block: true);
        await using (var first = Run(blocked, maxDeliveryCount: 1))
        {
            await first.Queue.SendAsync(QueueNames.Inbound, [Message("m", "s"), Message("next", "s")], CancellationToken.None);
            await blocked.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }

        var handler = new Handler();
        await using var second = Run(handler, maxDeliveryCount: 1);
        await Idle(second.Queue);

        handler.Handled.Select(m => m.MessageId).Should().Equal("next");
        var dead = (await second.Queue.DeadLettersAsync(QueueNames.Inbound)).Should().ContainSingle().Subject;
        dead.Message.MessageId.Should().Be("m");
        dead.Reason.Should().Contain("without its handler completing");
    }

    [Fact]
    public async Task A_scheduled_message_outlives_a_stop_and_ids_stay_duplicates_across_it()
    {
        await using (var first = Run(new Handler()))
        {
            await first.Queue.SendAsync(QueueNames.Inbound, [Message("later", "s") with { ScheduledEnqueueTime = _clock.GetUtcNow() + TimeSpan.FromMinutes(1) }], CancellationToken.None);
        }

        var handler = new Handler();
        await using var second = Run(handler);
        await second.Queue.SendAsync(QueueNames.Inbound, [Message("later", "s")], CancellationToken.None);
        await Idle(second.Queue);
        handler.Handled.Should().BeEmpty("the id was sent within the window, and its message is not due");

        _clock.Advance(TimeSpan.FromMinutes(2));
        await second.Queue.RecoverAsync(CancellationToken.None);
        await Idle(second.Queue);
        handler.Handled.Select(m => m.MessageId).Should().Equal("later");
    }

    [Fact]
    public async Task Expired_message_ids_are_forgotten_and_recent_ones_kept()
    {
        await using var app = Run(new Handler());
        await app.Queue.SendAsync(QueueNames.Inbound, [Message("old1", "s"), Message("old2", "s")], CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(11));
        await app.Queue.SendAsync(QueueNames.Inbound, [Message("recent", "s")], CancellationToken.None);
        await Idle(app.Queue);

        (await app.Queue.PruneAsync(CancellationToken.None)).Should().Be(2);
        (await app.Queue.PruneAsync(CancellationToken.None)).Should().Be(0);
        await app.Queue.SendAsync(QueueNames.Inbound, [Message("recent", "s")], CancellationToken.None);
        await Idle(app.Queue);
        app.Handler.Handled.Select(m => m.MessageId).Should().Equal("old1", "old2", "recent");
    }

    [Fact]
    public async Task Dead_letters_replayed_from_another_process_are_handled_by_the_running_app()
    {
        var handler = new Handler { Failing = true };
        await using var app = Run(handler, maxDeliveryCount: 2, maintenance: true);
        await app.Queue.SendAsync(QueueNames.Inbound, [Message("poison", "s")], CancellationToken.None);
        await Idle(app.Queue);
        (await app.Queue.DeadLettersAsync(QueueNames.Inbound)).Should().ContainSingle();

        // The handler is fixed; the command line replays with its own connection to the file, beside the app.
        handler.Failing = false;
        using (var outside = LocalDatabase.Open(StorePath))
        {
            var listed = await new LocalQueueStore(outside).DeadLettersAsync(QueueNames.Inbound, 10, CancellationToken.None);
            listed.Should().ContainSingle().Which.Reason.Should().Be("handler failed for poison");
            var replayed = await new LocalQueueStore(outside).ReplayDeadLettersAsync(QueueNames.Inbound, 10, CancellationToken.None);
            replayed.Select(m => (m.Message.MessageId, m.Message.SessionId, m.DeliveryCount)).Should().Equal(("poison", "s", 2));
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (handler.Handled.IsEmpty && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        handler.Handled.Should().ContainSingle().Which.Should().Be(new ReceivedMessage("poison", "s", 1, "{\"id\":\"poison\"}"), "the replayed message's deliveries are counted afresh");
        (await app.Queue.DeadLettersAsync(QueueNames.Inbound)).Should().BeEmpty();
    }

    [Fact]
    public async Task Handled_event_records_older_than_a_day_are_pruned_and_the_rest_of_the_conversation_kept()
    {
        var partition = EnquiryTables.Partition("shop", "U1");
        await using var app = Run(new Handler(), maintenance: true, tables: async database =>
        {
            // Written before the app's maintenance starts, and two days before its first pass.
            var store = new SqliteTableStore(database, _clock);
            await store.CreateTableIfNotExistsAsync(EnquiryTables.Conversations, CancellationToken.None);
            await store.InsertAsync(EnquiryTables.Conversations, Row(partition, EnquiryTables.SourceRow("U1")), CancellationToken.None);
            await store.InsertAsync(EnquiryTables.Conversations, Row(partition, EnquiryTables.EventRow("old-1")), CancellationToken.None);
            await store.InsertAsync(EnquiryTables.Conversations, Row(EnquiryTables.Partition("shop", "U2"), EnquiryTables.EventRow("old-2")), CancellationToken.None);
            _clock.Advance(TimeSpan.FromDays(2));
            await store.InsertAsync(EnquiryTables.Conversations, Row(partition, EnquiryTables.EventRow("recent")), CancellationToken.None);
            return store;
        });

        using var outside = LocalDatabase.Open(StorePath);
        var reader = new SqliteTableStore(outside, _clock);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        List<string> left;
        do
        {
            await Task.Delay(20);
            left = await reader.QueryAsync(EnquiryTables.Conversations, EnquiryTables.Channel("shop"), null, CancellationToken.None).Select(r => r.RowKey).ToListAsync();
        }
        while (left.Count > 2 && DateTime.UtcNow < deadline);

        left.Should().BeEquivalentTo(EnquiryTables.SourceRow("U1"), EnquiryTables.EventRow("recent"));
    }

    [Fact]
    public async Task A_second_app_on_the_same_file_is_refused_until_the_first_stops()
    {
        using var first = LocalDatabase.Open(StorePath, owner: true);

        FluentActions.Invoking(() => LocalDatabase.Open(StorePath, owner: true)).Should().Throw<InvalidOperationException>()
            .WithMessage("*in use by another running connector*LocalStore__Path*");
        using (LocalDatabase.Open(StorePath))
        {
            // The command line opens it beside the app.
        }

        first.Dispose();
        using var second = LocalDatabase.Open(StorePath, owner: true);
        second.FilePath.Should().Be(StorePath);
    }

    public void Dispose() => _folder.Dispose();

    private static TableRow Row(string partitionKey, string rowKey) => new(partitionKey, rowKey, new Dictionary<string, object?> { ["V"] = 1 });

    private static QueueMessage Message(string id, string session) => new(id, session, Encoding.UTF8.GetBytes($"{{\"id\":\"{id}\"}}"));

    private static async Task Idle(InProcessQueue queue) => await queue.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(10));

    private RunningQueue Run(Handler handler, int maxDeliveryCount = 5, bool maintenance = false, Func<LocalDatabase, Task<ITableStore>>? tables = null)
    {
        var database = LocalDatabase.Open(StorePath, owner: true);
        var store = tables?.Invoke(database).GetAwaiter().GetResult() ?? new InMemoryTableStore();
        var queue = new InProcessQueue(
            new LocalQueueStore(database),
            Options.Create(new LocalQueueOptions { MaxDeliveryCount = maxDeliveryCount, RetryDelay = TimeSpan.FromMilliseconds(5), MaxConcurrentSessions = 4 }),
            _clock,
            SensitiveLoggingSamples.Create(_clock),
            NullLogger<InProcessQueue>.Instance);
        var services = new List<Microsoft.Extensions.Hosting.BackgroundService> { new InProcessQueuePump(queue, [handler], _clock, SensitiveLoggingSamples.Create(_clock), NullLogger<InProcessQueuePump>.Instance) };
        if (maintenance)
        {
            services.Add(new LocalStoreMaintenance(database, queue, store, Options.Create(new LocalStoreOptions()), _clock, NullLogger<LocalStoreMaintenance>.Instance));
        }

        var running = new RunningQueue(database, queue, handler, services);
        foreach (var service in services)
        {
            service.StartAsync(running.Stopping.Token);
        }

        return running;
    }

    private sealed class RunningQueue(LocalDatabase database, InProcessQueue queue, Handler handler, IReadOnlyList<Microsoft.Extensions.Hosting.BackgroundService> services) : IAsyncDisposable
    {
        public InProcessQueue Queue => queue;

        public LocalDatabase Database => database;

        public Handler Handler => handler;

        public CancellationTokenSource Stopping { get; } = new();

        /// <summary>Stops as the app does: handlers still running are cancelled and their messages stay.</summary>
        public async ValueTask DisposeAsync()
        {
            await Stopping.CancelAsync();
            foreach (var service in services)
            {
                await service.StopAsync(CancellationToken.None);
                service.Dispose();
            }

            queue.Dispose();
            database.Dispose();
            Stopping.Dispose();
        }
    }

    private sealed class Handler(bool block = false) : IQueueMessageHandler
    {
        public string QueueName => QueueNames.Inbound;

        public ConcurrentQueue<ReceivedMessage> Handled { get; } = new();

        public volatile bool Failing;

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task HandleAsync(ReceivedMessage message, CancellationToken cancellationToken)
        {
            Started.TrySetResult();
            if (block)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            if (Failing)
            {
                throw new InvalidOperationException($"handler failed for {message.MessageId}");
            }

            Handled.Enqueue(message);
        }
    }
}
