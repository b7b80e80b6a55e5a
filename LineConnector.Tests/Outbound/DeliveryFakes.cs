using System.Collections.Concurrent;
using System.Text.Json;
using LineConnector.Core.Outbound;

namespace LineConnector.Tests.Outbound;

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

    public Task<DeliveryReport> ReportAsync(OutboundResult result, CancellationToken cancellationToken)
    {
        if (FailuresToThrow > 0)
        {
            FailuresToThrow--;
            throw new HttpRequestException("the destination is down");
        }

        Reports.Add(result);
        return Task.FromResult(new DeliveryReport(result.ReportTo, true, null));
    }
}

/// <summary>
/// Outbound records that can be told to fail the next writes of requests sent (the store went away after
/// LINE accepted), and that find a record by outbound id for the tests' checks.
/// </summary>
public sealed class FlakyRecords(IOutboundRecords inner) : IOutboundRecords
{
    private readonly ConcurrentDictionary<string, OutboundKey> _keys = new(StringComparer.Ordinal);

    public int AddSentFailuresToThrow { get; set; }

    /// <summary>The stored record of a message this double saw started; null when nothing is stored.</summary>
    public async Task<OutboundRecord?> FindAsync(string outboundId, CancellationToken cancellationToken) =>
        _keys.TryGetValue(outboundId, out var key) && await inner.StartAsync(key, null, cancellationToken) is { ETag: not null } record ? record : null;

    public Task<OutboundRecord> StartAsync(OutboundKey key, string? freshReplyToken, CancellationToken cancellationToken)
    {
        _keys[key.OutboundId] = key;
        return inner.StartAsync(key, freshReplyToken, cancellationToken);
    }

    public Task<OutboundRecord> AddSentAsync(OutboundRecord record, SentRequest sent, CancellationToken cancellationToken)
    {
        FailIfTold();
        return inner.AddSentAsync(record, sent, cancellationToken);
    }

    public Task<OutboundRecord> FinishAsync(OutboundRecord record, OutboundResult result, CancellationToken cancellationToken)
    {
        if (result.Requests.Any(r => record.Sent.All(s => s.Index != r.Index)))
        {
            FailIfTold();
        }

        return inner.FinishAsync(record, result, cancellationToken);
    }

    public Task MarkReportedAsync(OutboundRecord record, CancellationToken cancellationToken) => inner.MarkReportedAsync(record, cancellationToken);

    public Task<OutboundRecord> ReleaseReplyTokenAsync(OutboundRecord record, string replyToken, CancellationToken cancellationToken) =>
        inner.ReleaseReplyTokenAsync(record, replyToken, cancellationToken);

    private void FailIfTold()
    {
        if (AddSentFailuresToThrow > 0)
        {
            AddSentFailuresToThrow--;
            throw new TimeoutException("the record store did not answer");
        }
    }
}
