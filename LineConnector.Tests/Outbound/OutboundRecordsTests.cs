using LineConnector.Core.Outbound;
using LineConnector.Core.Storage;
using LineConnector.Tests.Storage;
using LineConnector.Tests.Support;

namespace LineConnector.Tests.Outbound;

/// <summary>The outbound records' contract, run on the in-memory table store and on a real Azurite.</summary>
public abstract class OutboundRecordsContract
{
    private readonly TestClock _clock = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly string _user = "U" + Guid.NewGuid().ToString("N");

    protected abstract ITableStore Store { get; }

    private TableOutboundRecords Records() => new(Store, _clock);

    private OutboundKey Key(string id, string channel = "demo") => new(id, channel, _user);

    [Fact]
    public async Task A_reply_token_is_claimed_once_per_channel()
    {
        var records = Records();
        var token = "t-" + Guid.NewGuid().ToString("N");

        (await records.StartAsync(Key("out-1"), token, default)).Reply.Should().Be(ReplyState.Claimed);
        (await records.StartAsync(Key("out-2"), token, default)).Reply.Should().Be(ReplyState.HeldByAnother);
        (await records.StartAsync(Key("out-1"), token, default)).Reply.Should().Be(ReplyState.TriedBefore, "a token is tried at most once, even by the same message");
        (await records.StartAsync(Key("out-3", "other"), token, default)).Reply.Should().Be(ReplyState.Claimed);
    }

    [Fact]
    public async Task Sent_requests_come_back_in_index_order_and_the_first_record_of_an_index_stays()
    {
        var records = Records();
        var started = await records.StartAsync(Key("out-1"), null, default);
        var one = await records.AddSentAsync(started, Sent(1, "b"), default);
        await records.AddSentAsync(one, Sent(0, "a"), default);
        await records.AddSentAsync(one, Sent(1, "changed"), default);

        var record = await records.StartAsync(Key("out-1"), null, default);

        record.Sent.Select(s => s.MessageIds.Single()).Should().Equal("a", "b");
        record.Result.Should().BeNull();
        record.Reported.Should().BeFalse();
    }

    [Fact]
    public async Task A_result_once_recorded_does_not_change()
    {
        var records = Records();
        var started = await records.StartAsync(Key("out-1"), null, default);
        var delivered = Result("out-1", OutboundStatus.Delivered);
        var finished = await records.FinishAsync(started, delivered, default);
        var again = await records.FinishAsync(started, Result("out-1", OutboundStatus.Failed), default);
        await records.MarkReportedAsync(finished, default);

        var record = await records.StartAsync(Key("out-1"), null, default);

        again.Result.Should().Be(delivered, "the second delivery's result is not recorded over the first");
        record.Result.Should().Be(delivered);
        record.Reported.Should().BeTrue();
    }

    [Fact]
    public async Task Another_instance_knows_what_was_sent_and_that_the_reply_was_tried()
    {
        var token = "t-" + Guid.NewGuid().ToString("N");
        var first = Records();
        var started = await first.StartAsync(Key("out-1"), token, default);
        await first.AddSentAsync(started, Sent(1, "b"), default);

        var redelivered = await Records().StartAsync(Key("out-1"), token, default);

        redelivered.Reply.Should().Be(ReplyState.TriedBefore);
        redelivered.Sent.Select(s => s.MessageIds.Single()).Should().Equal("b");
        (await Records().StartAsync(Key("out-1"), null, default)).Reply.Should().Be(ReplyState.TriedBefore, "a stale token is no longer claimed, but the try is known");
    }

    [Fact]
    public async Task A_token_given_back_can_be_claimed_again()
    {
        var records = Records();
        var token = "t-" + Guid.NewGuid().ToString("N");
        var claimed = await records.StartAsync(Key("out-1"), token, default);

        var released = await records.ReleaseReplyTokenAsync(claimed, token, default);

        released.Reply.Should().Be(ReplyState.NotTried);
        (await records.StartAsync(Key("out-1"), null, default)).Reply.Should().Be(ReplyState.NotTried);
        (await records.StartAsync(Key("out-2"), token, default)).Reply.Should().Be(ReplyState.Claimed);
    }

    [Theory]
    [InlineData("a/b#c?d\\e")]
    [InlineData("\u0001control")]
    public async Task Any_outbound_id_and_token_can_be_recorded(string id)
    {
        var records = Records();
        var longId = id + new string('x', 600);

        var started = await records.StartAsync(Key(longId), "token/with#odd?chars\\" + Guid.NewGuid(), default);
        await records.FinishAsync(started, Result(longId, OutboundStatus.Delivered), default);

        (await records.StartAsync(Key(longId), null, default)).Result!.OutboundId.Should().Be(longId);
        (await records.StartAsync(Key(id), null, default)).Result.Should().BeNull("a different id is a different record");
    }

    [Fact]
    public async Task An_unreadable_message_is_recorded_apart_under_its_message_id()
    {
        var records = Records();
        var key = new OutboundKey("broken-" + Guid.NewGuid().ToString("N"), null, "not-a-line-id");
        var started = await records.StartAsync(key, "a-token", default);

        await records.FinishAsync(started, Result(key.OutboundId, OutboundStatus.Failed), default);

        TableOutboundRecords.Partition(key).Should().Be(TableOutboundRecords.UnreadablePartition);
        started.Reply.Should().Be(ReplyState.NotTried, "no reply token is claimed for a message that names no conversation");
        (await records.StartAsync(key, null, default)).Result!.Status.Should().Be(OutboundStatus.Failed);
    }

    [Fact]
    public async Task Failure_details_beyond_a_table_property_are_cut_and_counted()
    {
        var records = Records();
        var details = Enumerable.Range(0, 2000).Select(i => $"messages[{i}] (text): the text is 5,200 UTF-16 code units long; at most 4,999 are accepted").ToList();
        var result = Result("out-1", OutboundStatus.Failed) with { Failure = new OutboundFailure(OutboundFailureKind.Refused, "refused", details) };

        var finished = await records.FinishAsync(await records.StartAsync(Key("out-1"), null, default), result, default);
        var stored = (await records.StartAsync(Key("out-1"), null, default)).Result!;

        finished.ETag.Should().NotBeNull();
        stored.Failure!.Details.Count.Should().BeLessThan(details.Count);
        stored.Failure.Details[^1].Should().MatchRegex(@"^\(\d+ more details are not kept\)$");
        stored.Failure.Details[0].Should().Be(details[0]);
    }

    private SentRequest Sent(int index, string id) => new(index, DeliveryMethod.Push, [id], null, _clock.GetUtcNow());

    private OutboundResult Result(string id, OutboundStatus status) =>
        new(id, "demo", null, _user, null, status, [], [], status == OutboundStatus.Failed ? new OutboundFailure(OutboundFailureKind.GaveUp, "x", []) : null, _clock.GetUtcNow());
}

public sealed class InMemoryOutboundRecordsTests : OutboundRecordsContract
{
    protected override ITableStore Store { get; } = new InMemoryTableStore();
}

/// <summary>The same records on a real Azurite (started by <c>scripts/test.sh</c>).</summary>
public sealed class AzuriteOutboundRecordsTests : OutboundRecordsContract
{
    protected override ITableStore Store { get; } = AzuriteTableStoreTests.CreateStore();
}
