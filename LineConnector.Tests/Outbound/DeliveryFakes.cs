using System.Text.Json;
using LineConnector.Core.Outbound;

namespace LineConnector.Tests.Outbound;

/// <summary>A clock that stands still until moved.</summary>
public sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    private DateTimeOffset _now = now;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>An outbound policy that accepts everything, or refuses with the given reasons; it keeps what it was asked.</summary>
public sealed class FakePolicy : IOutboundPolicy
{
    public List<string> Refusals { get; } = [];

    public List<JsonElement> Checked { get; } = [];

    public Task<OutboundVerdict> CheckAsync(JsonElement messages, CancellationToken cancellationToken)
    {
        Checked.Add(messages.Clone());
        var verdicts = messages.EnumerateArray()
            .Select((m, i) => new MessageVerdict(i, m.GetProperty("type").GetString()!, i == 0 ? Refusals : []))
            .ToList();
        return Task.FromResult(new OutboundVerdict(verdicts, []));
    }
}

/// <summary>Keeps every report; can be told to fail the next ones.</summary>
public sealed class RecordingReporter : IDeliveryReporter
{
    public List<OutboundResult> Reports { get; } = [];

    public int FailuresToThrow { get; set; }

    public Task ReportAsync(OutboundResult result, CancellationToken cancellationToken)
    {
        if (FailuresToThrow > 0)
        {
            FailuresToThrow--;
            throw new HttpRequestException("the destination is down");
        }

        Reports.Add(result);
        return Task.CompletedTask;
    }
}

/// <summary>In-memory records that can be told to fail the next "sent" writes (the store went away after LINE accepted).</summary>
public sealed class FlakyRecords(IOutboundRecords inner) : IOutboundRecords
{
    public int AddSentFailuresToThrow { get; set; }

    public Task<OutboundRecord?> FindAsync(string outboundId, CancellationToken cancellationToken) => inner.FindAsync(outboundId, cancellationToken);

    public Task AddSentAsync(string outboundId, SentRequest sent, CancellationToken cancellationToken)
    {
        if (AddSentFailuresToThrow > 0)
        {
            AddSentFailuresToThrow--;
            throw new TimeoutException("the record store did not answer");
        }

        return inner.AddSentAsync(outboundId, sent, cancellationToken);
    }

    public Task FinishAsync(OutboundResult result, CancellationToken cancellationToken) => inner.FinishAsync(result, cancellationToken);

    public Task MarkReportedAsync(string outboundId, CancellationToken cancellationToken) => inner.MarkReportedAsync(outboundId, cancellationToken);

    public Task<bool> TryClaimReplyTokenAsync(string channelId, string replyToken, string outboundId, CancellationToken cancellationToken) =>
        inner.TryClaimReplyTokenAsync(channelId, replyToken, outboundId, cancellationToken);
}
