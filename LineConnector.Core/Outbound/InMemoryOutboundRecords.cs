namespace LineConnector.Core.Outbound;

/// <summary>
/// Outbound records in memory, for local mode and tests. Entries untouched for
/// <see cref="Retention"/> are forgotten (LINE keeps a retry key for 24 hours, a reply token far less).
/// </summary>
public sealed class InMemoryOutboundRecords(TimeProvider clock) : IOutboundRecords
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _records = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Channel, string Token), DateTimeOffset> _claims = [];
    private DateTimeOffset _lastPruned = DateTimeOffset.MinValue;

    public Task<OutboundRecord?> FindAsync(string outboundId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_records.TryGetValue(outboundId, out var entry)
                ? new OutboundRecord(outboundId, [.. entry.Sent.Values], entry.Result, entry.Reported)
                : null);
        }
    }

    public Task AddSentAsync(string outboundId, SentRequest sent, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Touch(outboundId).Sent.TryAdd(sent.Index, sent);
        }

        return Task.CompletedTask;
    }

    public Task FinishAsync(OutboundResult result, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var entry = Touch(result.OutboundId);
            entry.Result ??= result;
        }

        return Task.CompletedTask;
    }

    public Task MarkReportedAsync(string outboundId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Touch(outboundId).Reported = true;
        }

        return Task.CompletedTask;
    }

    public Task<bool> TryClaimReplyTokenAsync(string channelId, string replyToken, string outboundId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Prune();
            return Task.FromResult(_claims.TryAdd((channelId, replyToken), clock.GetUtcNow()));
        }
    }

    private Entry Touch(string outboundId)
    {
        Prune();
        if (!_records.TryGetValue(outboundId, out var entry))
        {
            entry = new Entry();
            _records[outboundId] = entry;
        }

        entry.TouchedAt = clock.GetUtcNow();
        return entry;
    }

    private void Prune()
    {
        var now = clock.GetUtcNow();
        if (now - _lastPruned < TimeSpan.FromMinutes(1))
        {
            return;
        }

        _lastPruned = now;
        foreach (var (id, entry) in _records)
        {
            if (now - entry.TouchedAt > Retention)
            {
                _records.Remove(id);
            }
        }

        foreach (var (key, claimedAt) in _claims)
        {
            if (now - claimedAt > Retention)
            {
                _claims.Remove(key);
            }
        }
    }

    private sealed class Entry
    {
        public SortedList<int, SentRequest> Sent { get; } = [];
        public OutboundResult? Result { get; set; }
        public bool Reported { get; set; }
        public DateTimeOffset TouchedAt { get; set; }
    }
}
