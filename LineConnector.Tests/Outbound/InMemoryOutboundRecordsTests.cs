using LineConnector.Core.Outbound;

namespace LineConnector.Tests.Outbound;

public class InMemoryOutboundRecordsTests
{
    private readonly ManualClock _clock = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_reply_token_is_claimed_once_per_channel()
    {
        var records = new InMemoryOutboundRecords(_clock);

        (await records.TryClaimReplyTokenAsync("demo", "t1", "out-1", default)).Should().BeTrue();
        (await records.TryClaimReplyTokenAsync("demo", "t1", "out-2", default)).Should().BeFalse();
        (await records.TryClaimReplyTokenAsync("demo", "t1", "out-1", default)).Should().BeFalse("a token is tried at most once, even by the same message");
        (await records.TryClaimReplyTokenAsync("other", "t1", "out-3", default)).Should().BeTrue();
    }

    [Fact]
    public async Task Sent_requests_come_back_in_index_order_and_the_first_record_of_an_index_stays()
    {
        var records = new InMemoryOutboundRecords(_clock);
        await records.AddSentAsync("out-1", Sent(1, "b"), default);
        await records.AddSentAsync("out-1", Sent(0, "a"), default);
        await records.AddSentAsync("out-1", Sent(1, "changed"), default);

        var record = await records.FindAsync("out-1", default);

        record!.Sent.Select(s => s.MessageIds.Single()).Should().Equal("a", "b");
        record.Result.Should().BeNull();
        record.Reported.Should().BeFalse();
    }

    [Fact]
    public async Task A_result_once_recorded_does_not_change()
    {
        var records = new InMemoryOutboundRecords(_clock);
        var delivered = Result("out-1", OutboundStatus.Delivered);
        await records.FinishAsync(delivered, default);
        await records.FinishAsync(Result("out-1", OutboundStatus.Failed), default);
        await records.MarkReportedAsync("out-1", default);

        var record = await records.FindAsync("out-1", default);

        record!.Result.Should().Be(delivered);
        record.Reported.Should().BeTrue();
    }

    [Fact]
    public async Task Records_and_claims_are_forgotten_after_the_retention()
    {
        var records = new InMemoryOutboundRecords(_clock);
        await records.AddSentAsync("old", Sent(0, "a"), default);
        await records.TryClaimReplyTokenAsync("demo", "t1", "old", default);
        _clock.Advance(TimeSpan.FromHours(23));
        await records.AddSentAsync("recent", Sent(0, "b"), default);

        _clock.Advance(TimeSpan.FromHours(2));
        var claimedAgain = await records.TryClaimReplyTokenAsync("demo", "t1", "new", default);

        claimedAgain.Should().BeTrue();
        (await records.FindAsync("old", default)).Should().BeNull();
        (await records.FindAsync("recent", default)).Should().NotBeNull();
    }

    private SentRequest Sent(int index, string id) => new(index, DeliveryMethod.Push, [id], null, _clock.GetUtcNow());

    private OutboundResult Result(string id, OutboundStatus status) =>
        new(id, "demo", null, null, null, status, [], [], status == OutboundStatus.Failed ? new OutboundFailure(OutboundFailureKind.GaveUp, "x", []) : null, _clock.GetUtcNow());
}
