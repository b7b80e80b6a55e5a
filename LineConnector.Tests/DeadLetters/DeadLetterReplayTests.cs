using Azure.Messaging.ServiceBus;
using LineConnector.Cli.DeadLetters;
using LineConnector.Core.Queueing;
using LineConnector.Functions.DeadLetters;
using LineConnector.Tests.Support;

namespace LineConnector.Tests.DeadLetters;

public sealed class DeadLetterReplayTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Replays_oldest_first_with_the_same_ids_and_body_then_removes_them_from_the_dead_letter_queue()
    {
        var serviceBus = new FakeDeadLetterQueue(QueueNames.Inbound);
        serviceBus.DeadLetter("01HEVENTA", "acme:Uaaa", Now.AddHours(-2), """{"event":"a"}""", new Dictionary<string, object> { [QueueTracing.TraceParentProperty] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" });
        serviceBus.DeadLetter("01HEVENTB", "acme:Ubbb", Now.AddHours(-1), """{"event":"b"}""");

        var report = await Replay(serviceBus, max: 10);

        report.Replayed.Select(m => m.MessageId).Should().Equal("01HEVENTA", "01HEVENTB");
        report.Replayed[0].DeadLetterReason.Should().Be("MaxDeliveryCountExceeded");
        report.Replayed[0].DeliveryCount.Should().Be(10);
        report.TooRecent.Should().BeNull();
        serviceBus.Sent.Select(m => (m.MessageId, m.SessionId, m.ContentType, m.Body.ToString())).Should().Equal(
            ("01HEVENTA", "acme:Uaaa", "application/json", """{"event":"a"}"""),
            ("01HEVENTB", "acme:Ubbb", "application/json", """{"event":"b"}"""));
        serviceBus.Sent[0].ApplicationProperties.Should().Equal(
            new Dictionary<string, object> { [QueueTracing.TraceParentProperty] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" },
            "the copy is a new message, with the trace context but not the dead-lettering's reason");
        serviceBus.DeadLetters.Should().BeEmpty();
        serviceBus.ReceiverOptions.Should().ContainSingle().Which.Should().Match<ServiceBusReceiverOptions>(
            o => o.SubQueue == SubQueue.DeadLetter && o.ReceiveMode == ServiceBusReceiveMode.PeekLock);
    }

    [Fact]
    public async Task Stops_at_a_message_still_inside_the_duplicate_detection_window_and_leaves_it_dead_lettered()
    {
        var serviceBus = new FakeDeadLetterQueue(QueueNames.Outbound);
        serviceBus.DeadLetter("out-1", "acme:Uaaa", Now.AddMinutes(-30), "{}");
        serviceBus.DeadLetter("out-2", "acme:Uaaa", Now.AddMinutes(-4), "{}");
        serviceBus.DeadLetter("out-3", "acme:Uaaa", Now.AddMinutes(-1), "{}");

        var report = await Replay(serviceBus, max: 10);

        report.Replayed.Select(m => m.MessageId).Should().Equal("out-1");
        report.TooRecent!.MessageId.Should().Be("out-2");
        report.ReplayableAt.Should().Be(Now.AddMinutes(6));
        serviceBus.DeadLetters.Should().Equal(("out-2", false), ("out-3", false));
    }

    [Fact]
    public async Task Replays_at_most_the_number_asked()
    {
        var serviceBus = new FakeDeadLetterQueue(QueueNames.Inbound);
        for (var i = 0; i < 3; i++)
        {
            serviceBus.DeadLetter($"e{i}", "acme:Uaaa", Now.AddDays(-1), "{}");
        }

        var report = await Replay(serviceBus, max: 2);

        report.Replayed.Should().HaveCount(2);
        serviceBus.DeadLetters.Select(m => m.MessageId).Should().Equal("e2");
    }

    [Fact]
    public async Task A_refused_send_keeps_the_message_dead_lettered_and_names_the_missing_role()
    {
        var serviceBus = new FakeDeadLetterQueue(QueueNames.Inbound);
        serviceBus.DeadLetter("e1", "acme:Uaaa", Now.AddDays(-1), "{}");
        serviceBus.SendFailure = new UnauthorizedAccessException("Unauthorized access. 'Send' claim(s) are required to perform this operation.");

        var replay = () => Replay(serviceBus, max: 10);

        (await replay.Should().ThrowAsync<UnauthorizedAccessException>())
            .Which.Message.Should().Contain("Data Sender").And.Contain(QueueNames.Inbound).And.Contain("'Send' claim");
        serviceBus.DeadLetters.Should().Equal(("e1", false));
    }

    [Fact]
    public async Task A_failed_send_keeps_the_message_dead_lettered()
    {
        var serviceBus = new FakeDeadLetterQueue(QueueNames.Inbound);
        serviceBus.DeadLetter("e1", "acme:Uaaa", Now.AddDays(-1), "{}");
        serviceBus.SendFailure = new ServiceBusException("The messaging entity could not be found.", ServiceBusFailureReason.MessagingEntityNotFound);

        var replay = () => Replay(serviceBus, max: 10);

        (await replay.Should().ThrowAsync<ServiceBusException>()).Which.Reason.Should().Be(ServiceBusFailureReason.MessagingEntityNotFound);
        serviceBus.DeadLetters.Should().Equal(("e1", false));
    }

    [Fact]
    public async Task A_message_without_a_session_id_is_refused_and_stays_dead_lettered()
    {
        var serviceBus = new FakeDeadLetterQueue(QueueNames.Inbound);
        serviceBus.DeadLetter("e1", "", Now.AddDays(-1), "{}");

        var replay = () => Replay(serviceBus, max: 10);

        (await replay.Should().ThrowAsync<InvalidDataException>()).Which.Message.Should().Contain("SessionId").And.Contain(QueueNames.Inbound);
        serviceBus.Sent.Should().BeEmpty();
        serviceBus.DeadLetters.Should().Equal(("e1", false));
    }

    [Fact]
    public async Task An_empty_dead_letter_queue_replays_nothing()
    {
        var serviceBus = new FakeDeadLetterQueue(QueueNames.Inbound);

        var report = await Replay(serviceBus, max: 10);

        report.Replayed.Should().BeEmpty();
        report.TooRecent.Should().BeNull();
        serviceBus.Sent.Should().BeEmpty();
    }

    private static Task<ReplayReport> Replay(FakeDeadLetterQueue serviceBus, int max) =>
        new DeadLetterReplay(serviceBus.Client, new TestClock(Now)).ReplayAsync(serviceBus.Queue, max, CancellationToken.None);
}
