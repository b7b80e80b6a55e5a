using LineConnector.Core.Storage;

namespace LineConnector.Core.Inbound;

/// <summary>
/// Where the webhook records the events it rejected (docs/operations.md, "Rejected webhook events"):
/// table <see cref="Table"/>, partition = channel id, row key = the event's <c>webhookEventId</c> (or a
/// hash of its bytes), with its position in the webhook and the reason. A redelivered webhook writes
/// the same rows again, so each rejected event is recorded once.
/// </summary>
public sealed class RejectedEventLog(ITableStore store)
{
    public const string Table = "RejectedEvents";

    public const string Position = "Position";
    public const string Reason = "Reason";
    public const string EventType = "EventType";
    public const string WebhookEventId = "WebhookEventId";
    public const string ReceivedAt = "ReceivedAt";

    private Task? _tableReady;

    /// <summary>Writes the rows of <paramref name="rejected"/> (at most <see cref="WebhookSplitter.MaxRejectionsKept"/>) in one transaction.</summary>
    /// <exception cref="TableStoreException">The table could not be written.</exception>
    public async Task RecordAsync(string channelId, DateTimeOffset receivedAt, IReadOnlyList<RejectedEvent> rejected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        if (rejected.Count == 0)
        {
            return;
        }

        await EnsureTableAsync(cancellationToken);
        var rows = rejected.DistinctBy(r => r.Key, StringComparer.Ordinal)
            .Select(r => TableOperation.Upsert(new TableRow(channelId, r.Key, new Dictionary<string, object?>
            {
                [Position] = r.Position,
                [Reason] = r.Reason,
                [EventType] = r.Type,
                [WebhookEventId] = r.WebhookEventId,
                [ReceivedAt] = receivedAt,
            })))
            .ToList();
        await store.SubmitTransactionAsync(Table, channelId, rows, cancellationToken);
    }

    private Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        var ready = _tableReady;
        if (ready is null || ready.IsFaulted || ready.IsCanceled)
        {
            ready = _tableReady = store.CreateTableIfNotExistsAsync(Table, cancellationToken);
        }

        return ready;
    }
}
