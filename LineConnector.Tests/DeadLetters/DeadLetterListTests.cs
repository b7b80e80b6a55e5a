using System.CommandLine;
using System.Text;
using Azure.Messaging.ServiceBus;
using LineConnector.Cli.DeadLetters;
using LineConnector.Core.Queueing;
using LineConnector.Functions.DeadLetters;
using LineConnector.Functions.LocalMode;
using LineConnector.Tests.Support;

namespace LineConnector.Tests.DeadLetters;

/// <summary><c>dead-letters list</c> on Service Bus, and <c>list</c> and <c>replay</c> on local mode's store (<c>--local</c>).</summary>
public sealed class DeadLetterListTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    private string StorePath => Path.Combine(_folder.Path, "store", "local.db");

    [Fact]
    public async Task Service_Bus_dead_letters_are_peeked_oldest_first_across_pages_and_left_in_place()
    {
        var serviceBus = new FakeDeadLetterQueue(QueueNames.Inbound);
        for (var i = 0; i < 130; i++)
        {
            serviceBus.DeadLetter($"e{i:D3}", $"acme:U{i % 3}", DateTimeOffset.UnixEpoch.AddMinutes(i), "{}");
        }

        var listed = await DeadLetterPeek.ListAsync(serviceBus.Client, QueueNames.Inbound, 120, CancellationToken.None);

        listed.Select(m => m.MessageId).Should().Equal(Enumerable.Range(0, 120).Select(i => $"e{i:D3}"));
        listed[0].Should().Be(new DeadLetterMessage("e000", "acme:U0", 1, DateTimeOffset.UnixEpoch, 10, "MaxDeliveryCountExceeded"));
        serviceBus.DeadLetters.Should().HaveCount(130).And.OnlyContain(m => !m.Locked);
        serviceBus.ReceiverOptions.Should().ContainSingle().Which.SubQueue.Should().Be(SubQueue.DeadLetter);
    }

    [Fact]
    public async Task Local_dead_letters_are_listed_with_their_reason_and_replayed_to_their_queue()
    {
        await DeadLetterAsync(("poison-1", "shop:U1", "The destination's secret is missing."), ("poison-2", "shop:U2", "Unexpected end of JSON."));

        var list = await RunAsync("list", "--local", StorePath, "--queue", QueueNames.Inbound);
        var replay = await RunAsync("replay", "--local", StorePath, "--queue", QueueNames.Inbound, "--max", "1");
        var after = await RunAsync("list", "--local", StorePath, "--queue", QueueNames.Inbound);

        list.Exit.Should().Be(0, list.Error);
        list.Output.Should().Contain("poison-1 (session shop:U1; enqueued ").And.Contain("dead-lettered after 1 deliveries: The destination's secret is missing.)")
            .And.Contain("poison-2 (session shop:U2;").And.Contain("2 dead-lettered message(s) on line-inbound.");
        replay.Exit.Should().Be(0, replay.Error);
        replay.Output.Should().Contain("replayed poison-1 (session shop:U1;").And.NotContain("poison-2")
            .And.Contain("1 message(s) replayed to line-inbound").And.Contain("a running app takes them up within a second");
        after.Output.Should().NotContain("poison-1").And.Contain("poison-2").And.Contain("1 dead-lettered message(s) on line-inbound.");
        using var database = LocalDatabase.Open(StorePath);
        var waiting = await new LocalQueueStore(database).ReceiveAsync(new SessionKey(QueueNames.Inbound, "shop:U1"), null, CancellationToken.None);
        waiting!.Message.MessageId.Should().Be("poison-1");
        waiting.DeliveryCount.Should().Be(1, "a replayed message's deliveries are counted afresh");
    }

    [Fact]
    public async Task Local_mode_without_a_store_file_says_where_it_looked_and_creates_nothing()
    {
        var missing = Path.Combine(_folder.Path, "nowhere", "local.db");

        var list = await RunAsync("list", "--local", missing, "--queue", QueueNames.Outbound);

        list.Exit.Should().Be(1);
        list.Error.Should().Contain($"There is no local store at {missing}");
        File.Exists(missing).Should().BeFalse();
    }

    [Theory]
    [InlineData("list", "--local", "--queue", "line-inbound")]
    [InlineData("list", "--local", "store.db", "--queue", "line-outbound", "--max", "5")]
    [InlineData("replay", "--namespace", "sb-x", "--queue", "line-inbound")]
    public void Either_source_parses(params string[] args) =>
        DeadLettersCommand.Create().Parse(args).Errors.Should().BeEmpty();

    [Theory]
    [InlineData("list", "--queue", "line-inbound")]
    [InlineData("replay", "--namespace", "sb-x", "--local", "--queue", "line-inbound")]
    [InlineData("list", "--local", "a.db", "b.db", "--queue", "line-inbound")]
    public void One_source_exactly_is_required(params string[] args) =>
        DeadLettersCommand.Create().Parse(args).Errors.Should().NotBeEmpty();

    public void Dispose() => _folder.Dispose();

    private async Task DeadLetterAsync(params (string Id, string Session, string Reason)[] messages)
    {
        using var database = LocalDatabase.Open(StorePath);
        var store = new LocalQueueStore(database);
        var now = DateTimeOffset.UtcNow;
        foreach (var (id, session, reason) in messages)
        {
            await store.SendAsync(QueueNames.Inbound, [new QueueMessage(id, session, Encoding.UTF8.GetBytes("{}"))], now, now, new HashSet<SessionKey>(), CancellationToken.None);
            var received = await store.ReceiveAsync(new SessionKey(QueueNames.Inbound, session), null, CancellationToken.None);
            await store.DeadLetterAsync(received!, reason, now, CancellationToken.None);
        }
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await new RootCommand { DeadLettersCommand.Create() }.Parse(["dead-letters", .. args])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
