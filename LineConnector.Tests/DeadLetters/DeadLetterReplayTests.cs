using Azure;
using Azure.Core;
using LineConnector.Cli.DeadLetters;
using LineConnector.Core.Queueing;

namespace LineConnector.Tests.DeadLetters;

public sealed class DeadLetterReplayTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly RecordingCredential _credential = new();
    private FakeServiceBusNamespace _serviceBus = null!;

    public async Task InitializeAsync() => _serviceBus = await FakeServiceBusNamespace.StartAsync();

    public async Task DisposeAsync() => await _serviceBus.DisposeAsync();

    [Fact]
    public async Task Replays_oldest_first_with_the_same_ids_and_body_then_removes_them_from_the_dead_letter_queue()
    {
        _serviceBus.DeadLetter(QueueNames.Inbound, "01HEVENTA", "acme:Uaaa", Now.AddHours(-2), """{"event":"a"}""");
        _serviceBus.DeadLetter(QueueNames.Inbound, "01HEVENTB", "acme:Ubbb", Now.AddHours(-1), """{"event":"b"}""");

        var report = await Replay(QueueNames.Inbound, max: 10);

        report.Replayed.Select(m => m.MessageId).Should().Equal("01HEVENTA", "01HEVENTB");
        report.Replayed[0].DeadLetterReason.Should().Be("MaxDeliveryCountExceeded");
        report.TooRecent.Should().BeNull();
        _serviceBus.Sent[QueueNames.Inbound].Should().Equal(
            new FakeServiceBusNamespace.SentMessage("01HEVENTA", "acme:Uaaa", "application/json", """{"event":"a"}"""),
            new FakeServiceBusNamespace.SentMessage("01HEVENTB", "acme:Ubbb", "application/json", """{"event":"b"}"""));
        _serviceBus.DeadLetters[QueueNames.Inbound].Should().BeEmpty();
        _credential.Scopes.Should().OnlyContain(scope => scope == DeadLetterQueueClient.Scope);
        _serviceBus.Authorizations.Should().NotBeEmpty().And.OnlyContain(header => header == "Bearer test-token");
    }

    [Fact]
    public async Task Stops_at_a_message_still_inside_the_duplicate_detection_window_and_leaves_it_dead_lettered()
    {
        _serviceBus.DeadLetter(QueueNames.Outbound, "out-1", "acme:Uaaa", Now.AddMinutes(-30), "{}");
        _serviceBus.DeadLetter(QueueNames.Outbound, "out-2", "acme:Uaaa", Now.AddMinutes(-4), "{}");
        _serviceBus.DeadLetter(QueueNames.Outbound, "out-3", "acme:Uaaa", Now.AddMinutes(-1), "{}");

        var report = await Replay(QueueNames.Outbound, max: 10);

        report.Replayed.Select(m => m.MessageId).Should().Equal("out-1");
        report.TooRecent!.MessageId.Should().Be("out-2");
        report.ReplayableAt.Should().Be(Now.AddMinutes(6));
        _serviceBus.DeadLetters[QueueNames.Outbound].Select(m => (m.MessageId, m.LockToken)).Should().Equal(("out-2", null), ("out-3", null));
    }

    [Fact]
    public async Task Replays_at_most_the_number_asked()
    {
        for (var i = 0; i < 3; i++)
        {
            _serviceBus.DeadLetter(QueueNames.Inbound, $"e{i}", "acme:Uaaa", Now.AddDays(-1), "{}");
        }

        var report = await Replay(QueueNames.Inbound, max: 2);

        report.Replayed.Should().HaveCount(2);
        _serviceBus.DeadLetters[QueueNames.Inbound].Select(m => m.MessageId).Should().Equal("e2");
    }

    [Fact]
    public async Task A_refused_send_keeps_the_message_dead_lettered_and_names_the_missing_role()
    {
        _serviceBus.DeadLetter(QueueNames.Inbound, "e1", "acme:Uaaa", Now.AddDays(-1), "{}");
        _serviceBus.SendStatus = 403;

        var replay = () => Replay(QueueNames.Inbound, max: 10);

        (await replay.Should().ThrowAsync<RequestFailedException>())
            .Which.Should().Match<RequestFailedException>(e => e.Status == 403 && e.Message.Contains("Data Sender", StringComparison.Ordinal) && e.Message.Contains(QueueNames.Inbound, StringComparison.Ordinal));
        _serviceBus.DeadLetters[QueueNames.Inbound].Select(m => (m.MessageId, m.LockToken)).Should().Equal(("e1", null));
    }

    [Fact]
    public async Task An_empty_dead_letter_queue_replays_nothing()
    {
        var report = await Replay(QueueNames.Inbound, max: 10);

        report.Replayed.Should().BeEmpty();
        report.TooRecent.Should().BeNull();
        _serviceBus.Sent.Should().BeEmpty();
    }

    private Task<ReplayReport> Replay(string queue, int max) =>
        new DeadLetterReplay(_serviceBus.Client(_credential), new FixedClock(Now)).ReplayAsync(queue, max, CancellationToken.None);

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class RecordingCredential : TokenCredential
    {
        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            lock (Scopes)
            {
                Scopes.AddRange(requestContext.Scopes);
            }

            return new AccessToken("test-token", DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
