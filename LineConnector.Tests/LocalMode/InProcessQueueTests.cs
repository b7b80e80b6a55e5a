using System.Collections.Concurrent;
using System.Text;
using LineConnector.Core.Queueing;
using LineConnector.Functions.LocalMode;
using LineConnector.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LineConnector.Tests.LocalMode;

/// <summary>The queue's Service Bus semantics, on a store in memory and on one in a file.</summary>
public abstract class InProcessQueueTests : IAsyncDisposable
{
    private readonly TestClock _clock = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly CancellationTokenSource _stop = new();
    private InProcessQueuePump? _pump;
    private LocalDatabase? _database;

    /// <summary>Where the store lives: <see cref="LocalStoreOptions.InMemory"/> or a file.</summary>
    protected abstract string StorePath { get; }

    private InProcessQueue Start(IQueueMessageHandler handler, int maxDeliveryCount = 3)
    {
        var options = Options.Create(new LocalQueueOptions
        {
            MaxDeliveryCount = maxDeliveryCount,
            RetryDelay = TimeSpan.FromMilliseconds(5),
            DuplicateDetectionWindow = TimeSpan.FromMinutes(10),
            MaxConcurrentSessions = 4,
        });
        _database = LocalDatabase.Open(StorePath, owner: true);
        var sensitive = SensitiveLoggingSamples.Create(_clock);
        var queue = new InProcessQueue(new LocalQueueStore(_database), options, _clock, sensitive, new Microsoft.Extensions.Logging.Logger<InProcessQueue>(new Microsoft.Extensions.Logging.LoggerFactory([_logs])));
        _pump = new InProcessQueuePump(queue, [handler], _clock, sensitive, NullLogger<InProcessQueuePump>.Instance);
        _pump.StartAsync(_stop.Token);
        return queue;
    }

    private static QueueMessage Message(string id, string session) => new(id, session, Encoding.UTF8.GetBytes($"{{\"id\":\"{id}\"}}"));

    private static async Task Idle(InProcessQueue queue) => await queue.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(10));

    [Fact]
    public async Task Messages_of_a_session_are_handled_one_at_a_time_in_order()
    {
        var handler = new ScriptedHandler(delay: TimeSpan.FromMilliseconds(2));
        var queue = Start(handler);

        for (var i = 0; i < 20; i++)
        {
            await queue.SendAsync(QueueNames.Inbound, [Message($"a{i}", "shop:A"), Message($"b{i}", "shop:B")], CancellationToken.None);
        }

        await Idle(queue);
        handler.Handled.Where(m => m.SessionId == "shop:A").Select(m => m.MessageId).Should().Equal(Enumerable.Range(0, 20).Select(i => $"a{i}"));
        handler.Handled.Where(m => m.SessionId == "shop:B").Select(m => m.MessageId).Should().Equal(Enumerable.Range(0, 20).Select(i => $"b{i}"));
        handler.MaxConcurrentPerSession.Should().Be(1);
        handler.Handled.Should().OnlyContain(m => m.Body == $"{{\"id\":\"{m.MessageId}\"}}" && m.DeliveryCount == 1);
    }

    [Fact]
    public async Task Different_sessions_are_handled_in_parallel()
    {
        var handler = new ScriptedHandler(delay: TimeSpan.FromMilliseconds(50));
        var queue = Start(handler);

        await queue.SendAsync(QueueNames.Inbound, [Message("1", "s1"), Message("2", "s2"), Message("3", "s3")], CancellationToken.None);

        await Idle(queue);
        handler.MaxConcurrent.Should().BeGreaterThan(1);
    }

    [Fact]
    public async Task A_duplicate_message_id_within_the_window_is_dropped_and_accepted_after_it()
    {
        var handler = new ScriptedHandler();
        var queue = Start(handler);

        await queue.SendAsync(QueueNames.Inbound, [Message("dup", "s")], CancellationToken.None);
        await queue.SendAsync(QueueNames.Inbound, [Message("dup", "s")], CancellationToken.None);
        await Idle(queue);
        handler.Handled.Should().ContainSingle();

        _clock.Advance(TimeSpan.FromMinutes(9));
        await queue.SendAsync(QueueNames.Inbound, [Message("dup", "s")], CancellationToken.None);
        await Idle(queue);
        handler.Handled.Should().ContainSingle("nine minutes is inside the ten-minute window");

        _clock.Advance(TimeSpan.FromMinutes(11));
        await queue.SendAsync(QueueNames.Inbound, [Message("dup", "s")], CancellationToken.None);
        await Idle(queue);
        handler.Handled.Should().HaveCount(2);
    }

    [Fact]
    public async Task Ten_thousand_duplicates_in_one_send_are_handled_once_and_logged_on_one_line()
    {
        var handler = new ScriptedHandler();
        var queue = Start(handler);

        await queue.SendAsync(QueueNames.Inbound, [.. Enumerable.Range(0, 10_000).Select(_ => Message("same", "s"))], CancellationToken.None);
        await Idle(queue);

        handler.Handled.Should().ContainSingle();
        _logs.Where(line => line.Contains("Dropped", StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Should().Contain("9999").And.Contain("same");
    }

    [Fact]
    public async Task The_same_message_id_on_another_queue_is_not_a_duplicate()
    {
        var inbound = new ScriptedHandler();
        var queue = Start(inbound);

        await queue.SendAsync(QueueNames.Inbound, [Message("same", "s")], CancellationToken.None);
        await queue.SendAsync(QueueNames.Outbound, [Message("same", "s")], CancellationToken.None);
        await Idle(queue);

        inbound.Handled.Should().ContainSingle();
        (await queue.DeadLettersAsync(QueueNames.Outbound)).Should().ContainSingle(d => d.Queue == QueueNames.Outbound && d.Reason.Contains("No handler", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failing_message_is_redelivered_first_in_its_session_and_order_is_kept()
    {
        var handler = new ScriptedHandler(failUntilDelivery: new() { ["m1"] = 3 });
        var queue = Start(handler, maxDeliveryCount: 5);

        await queue.SendAsync(QueueNames.Inbound, [Message("m1", "s"), Message("m2", "s")], CancellationToken.None);
        await Idle(queue);

        handler.Attempts.Select(a => (a.MessageId, a.DeliveryCount)).Should().Equal(("m1", 1), ("m1", 2), ("m1", 3), ("m2", 1));
        handler.Handled.Select(m => m.MessageId).Should().Equal("m1", "m2");
        (await queue.DeadLettersAsync(QueueNames.Inbound)).Should().BeEmpty();
    }

    [Fact]
    public async Task After_the_maximum_deliveries_a_message_is_dead_lettered_logged_and_the_session_goes_on()
    {
        var handler = new ScriptedHandler(failUntilDelivery: new() { ["poison"] = int.MaxValue });
        var queue = Start(handler, maxDeliveryCount: 3);

        await queue.SendAsync(QueueNames.Inbound, [Message("poison", "s"), Message("next", "s")], CancellationToken.None);
        await Idle(queue);

        handler.Attempts.Count(a => a.MessageId == "poison").Should().Be(3);
        var dead = (await queue.DeadLettersAsync(QueueNames.Inbound)).Should().ContainSingle().Subject;
        dead.Message.MessageId.Should().Be("poison");
        dead.DeliveryCount.Should().Be(3);
        dead.Reason.Should().Be("handler failed for poison");
        handler.Handled.Select(m => m.MessageId).Should().Equal("next");
        _logs.AllText.Should().Contain("Dead-lettered message poison");
    }

    [Fact]
    public async Task A_scheduled_message_waits_for_its_time_without_holding_up_the_queue()
    {
        var handler = new ScriptedHandler();
        var queue = Start(handler);
        var scheduled = Message("later", "s") with { ScheduledEnqueueTime = _clock.GetUtcNow() + TimeSpan.FromMilliseconds(300) };

        await queue.SendAsync(QueueNames.Inbound, [scheduled, Message("now", "s")], CancellationToken.None);
        await queue.SendAsync(QueueNames.Inbound, [scheduled], CancellationToken.None);
        await Idle(queue);
        handler.Handled.Select(m => m.MessageId).Should().Equal("now");

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (handler.Handled.Count < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await Idle(queue);
        handler.Handled.Select(m => m.MessageId).Should().Equal(["now", "later"], "the scheduled message arrives once, its duplicate dropped when sent");
    }

    [Fact]
    public async Task A_message_scheduled_in_the_past_is_delivered_at_once()
    {
        var handler = new ScriptedHandler();
        var queue = Start(handler);

        await queue.SendAsync(QueueNames.Inbound, [Message("late", "s") with { ScheduledEnqueueTime = _clock.GetUtcNow() - TimeSpan.FromSeconds(1) }], CancellationToken.None);

        await Idle(queue);
        handler.Handled.Select(m => m.MessageId).Should().Equal("late");
    }

    [Fact]
    public async Task Disposing_the_queue_stops_delivering_what_is_still_scheduled()
    {
        var handler = new ScriptedHandler();
        var queue = Start(handler);

        await queue.SendAsync(QueueNames.Inbound, [Message("never", "s") with { ScheduledEnqueueTime = _clock.GetUtcNow() + TimeSpan.FromMilliseconds(100) }], CancellationToken.None);
        queue.Dispose();

        await Task.Delay(400);
        handler.Attempts.Should().BeEmpty();
    }

    [Fact]
    public async Task A_message_carries_the_trace_of_its_send_to_the_handlers_span_as_on_service_bus()
    {
        var handler = new ScriptedHandler();
        // Started before the test's span, as the app starts its pump: outside any request.
        var queue = Start(handler);
        using var spans = new ConnectorSpans();

        await queue.SendAsync(QueueNames.Inbound, [Message("traced", "s")], CancellationToken.None);

        await Idle(queue);
        var send = spans.Single($"send {QueueNames.Inbound}");
        send.ParentSpanId.Should().Be(spans.Root.SpanId);
        send.GetTagItem("messaging.system").Should().Be(QueueTracing.InProcessSystem);
        handler.Handled.Single().ApplicationProperties.Should().Contain(QueueTracing.TraceParentProperty, send.Id!);
        var process = await EventuallyAsync(() => spans.Stopped.FirstOrDefault(a => a.DisplayName == $"process {QueueNames.Inbound}"));
        process.ParentSpanId.Should().Be(send.SpanId, "the pump runs outside any request: the span's parent is the send, from the message");
        process.Links.Should().BeEmpty();
    }

    private static async Task<T> EventuallyAsync<T>(Func<T?> probe)
        where T : class
    {
        for (var waited = 0; waited < 200; waited++)
        {
            if (probe() is { } found)
            {
                return found;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException("Still waiting.");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_pump is not null)
        {
            await _pump.StopAsync(CancellationToken.None);
        }

        _stop.Dispose();
        _database?.Dispose();
        DeleteStore();
    }

    protected virtual void DeleteStore()
    {
    }

    protected sealed class ScriptedHandler(TimeSpan delay = default, Dictionary<string, int>? failUntilDelivery = null) : IQueueMessageHandler
    {
        private readonly ConcurrentDictionary<string, int> _running = new();
        private int _runningTotal;

        public string QueueName => QueueNames.Inbound;

        public ConcurrentQueue<ReceivedMessage> Handled { get; } = new();

        public ConcurrentQueue<ReceivedMessage> Attempts { get; } = new();

        public int MaxConcurrentPerSession { get; private set; }

        public int MaxConcurrent { get; private set; }

        public async Task HandleAsync(ReceivedMessage message, CancellationToken cancellationToken)
        {
            Attempts.Enqueue(message);
            var inSession = _running.AddOrUpdate(message.SessionId, 1, (_, n) => n + 1);
            var total = Interlocked.Increment(ref _runningTotal);
            lock (_running)
            {
                MaxConcurrentPerSession = Math.Max(MaxConcurrentPerSession, inSession);
                MaxConcurrent = Math.Max(MaxConcurrent, total);
            }

            try
            {
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, cancellationToken);
                }

                if (failUntilDelivery is not null && failUntilDelivery.TryGetValue(message.MessageId, out var until) && message.DeliveryCount < until)
                {
                    throw new InvalidOperationException($"handler failed for {message.MessageId}");
                }

                Handled.Enqueue(message);
            }
            finally
            {
                _running.AddOrUpdate(message.SessionId, 0, (_, n) => n - 1);
                Interlocked.Decrement(ref _runningTotal);
            }
        }
    }
}

public sealed class InMemoryProcessQueueTests : InProcessQueueTests
{
    protected override string StorePath => LocalStoreOptions.InMemory;
}

public sealed class FileProcessQueueTests : InProcessQueueTests
{
    private readonly TemporaryFolder _folder = new();

    protected override string StorePath => Path.Combine(_folder.Path, "local.db");

    protected override void DeleteStore() => _folder.Dispose();
}
