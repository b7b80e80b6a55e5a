using System.Runtime.CompilerServices;
using LineConnector.Core.Storage;
using LineConnector.Core.Telemetry;

namespace LineConnector.Core.Enquiries;

/// <summary>The enquiry changed since it was read (its ETag differs) more times in a row than the update retries.</summary>
public sealed class EnquiryChangedException(string enquiryId)
    : Exception($"Enquiry {enquiryId} kept changing while it was being updated; try again.")
{
    public string EnquiryId { get; } = enquiryId;
}

/// <summary>
/// One write of an enquiry with the rows of its conversation that change with it, all in the
/// conversation's partition: one entity-group transaction, so all of them are stored or none.
/// </summary>
/// <param name="Enquiry">The enquiry as it becomes: inserted when new, else replaced if its ETag still matches.</param>
public sealed record EnquiryWrite(StoredEnquiry Enquiry)
{
    /// <summary>The source's row, pointed at the enquiry (written whatever is there: only the inbound function writes it, one message of a source at a time).</summary>
    public SourceRecord? Source { get; init; }

    /// <summary>What became of the message (of the enquiry's conversation), written whatever is there.</summary>
    public ProcessedCause? Record { get; init; }

    /// <summary>A user's image, video, audio or file that goes to the enquiry.</summary>
    public InboundContent? Content { get; init; }

    /// <summary>An event the enquiry keeps, no destination having it.</summary>
    public KeptEvent? Keep { get; init; }

    /// <summary>An event that goes into the enquiry's history (<see cref="ConversationHistory"/>); the oldest beyond what a handover can send is removed.</summary>
    public HistoryEvent? History { get; init; }

    /// <summary>Kept events a destination now has: their rows are removed (at most <see cref="EnquiryStore.MaxForgottenPerWrite"/>).</summary>
    public IReadOnlyList<long> Forget { get; init; } = [];
}

/// <summary>
/// Conversations in Table Storage (<see cref="EnquiryTables"/>): enquiries, sources, the record of
/// each <c>line-inbound</c> message, users' content and kept events. Writers of one enquiry (the inbound
/// function, the enquiry API) are kept apart by ETags: a write replaces the enquiry only if it is as it
/// was read; <see cref="UpdateAsync"/> then reads it again and reapplies its change. Each read is one
/// request and each write one transaction. Store failures surface as <see cref="TableStoreException"/>.
/// </summary>
public sealed class EnquiryStore(ITableStore store)
{
    private readonly EarlierEnquiryTables _earlier = new(store);

    /// <summary>How often an update is reapplied after a concurrent change before it gives up.</summary>
    public const int MaxUpdateAttempts = 8;

    /// <summary>Delivered kept events whose rows one write removes; more are left behind (below <see cref="StoredEnquiry.FirstKept"/>: no longer kept).</summary>
    public const int MaxForgottenPerWrite = TableRules.MaxTransactionOperations - 7;

    private const string Table = EnquiryTables.Conversations;

    private Task? _tablesReady;

    /// <summary>
    /// The enquiry, or null when the id is not an enquiry id or there is no such enquiry. One request for an
    /// enquiry opened since the conversations table; one opened before is carried over (<see cref="EarlierEnquiryTables"/>).
    /// </summary>
    public Task<StoredEnquiry?> GetAsync(string enquiryId, CancellationToken cancellationToken) => GetAsync(enquiryId, null, cancellationToken);

    /// <summary>
    /// The enquiry of a known conversation, read where the conversation is: one request also for an enquiry
    /// carried over from an earlier version, whose id names another partition.
    /// </summary>
    public async Task<StoredEnquiry?> GetAsync(string enquiryId, string? sourceId, CancellationToken cancellationToken)
    {
        if (!EnquiryIds.TryParse(enquiryId, out var channelId, out var partition))
        {
            return null;
        }

        if (sourceId is not null)
        {
            partition = EnquiryTables.Partition(channelId, sourceId);
        }

        await EnsureTablesAsync(cancellationToken);
        var row = await store.GetAsync(Table, partition, EnquiryTables.EnquiryRow(enquiryId), cancellationToken);
        if (row is not null)
        {
            return EnquiryEntities.ReadEnquiry(row);
        }

        if (await _earlier.GetEnquiryAsync(channelId, enquiryId, cancellationToken) is not { } earlier)
        {
            return null;
        }

        // Carried over into its conversation's partition, which its id does not name: the earlier row says where.
        var carried = EnquiryEntities.PartitionOf(earlier);
        if (carried != partition && await store.GetAsync(Table, carried, EnquiryTables.EnquiryRow(enquiryId), cancellationToken) is { } moved)
        {
            return EnquiryEntities.ReadEnquiry(moved);
        }

        try
        {
            return earlier with { ETag = await store.InsertAsync(Table, EnquiryEntities.EnquiryRow(earlier with { ETag = null }), cancellationToken) };
        }
        catch (TableStoreException e) when (e.Status == 409)
        {
            // Carried over by another reader at this moment.
            return EnquiryEntities.ReadEnquiry((await store.GetAsync(Table, carried, EnquiryTables.EnquiryRow(enquiryId), cancellationToken))!);
        }
    }

    /// <summary>The source's row; one of an earlier version is carried over (<see cref="EarlierEnquiryTables"/>).</summary>
    public async Task<SourceRecord?> GetSourceAsync(string channelId, string sourceId, CancellationToken cancellationToken)
    {
        await EnsureTablesAsync(cancellationToken);
        var row = await store.GetAsync(Table, EnquiryTables.Partition(channelId, sourceId), EnquiryTables.SourceRow(sourceId), cancellationToken);
        if (row is not null)
        {
            return EnquiryEntities.ReadSource(channelId, sourceId, row);
        }

        if (await _earlier.GetSourceAsync(channelId, sourceId, cancellationToken) is not { } earlier)
        {
            return null;
        }

        // Only the inbound function writes source rows, one message of a source at a time: nobody else carries it over now.
        await store.UpsertAsync(Table, EnquiryEntities.SourceRow(earlier), cancellationToken);
        return earlier;
    }

    /// <summary>The record of a <c>line-inbound</c> message of the conversation, or null when it has none.</summary>
    public async Task<ProcessedCause?> FindProcessedAsync(string channelId, string? sourceId, string cause, CancellationToken cancellationToken)
    {
        await EnsureTablesAsync(cancellationToken);
        var row = await store.GetAsync(Table, EnquiryTables.Partition(channelId, sourceId), EnquiryTables.EventRow(cause), cancellationToken);
        return row is null ? null : EnquiryEntities.ReadProcessed(channelId, cause, row);
    }

    /// <summary>
    /// Records what became of a message, without changing its enquiry. With <paramref name="once"/>, false when
    /// it was recorded before (the first record stays); otherwise the record replaces any earlier one.
    /// </summary>
    /// <param name="sourceId">The conversation the message belongs to; null for an event without a source.</param>
    public async Task<bool> RecordAsync(ProcessedCause processed, string? sourceId, bool once, CancellationToken cancellationToken)
    {
        await EnsureTablesAsync(cancellationToken);
        var row = EnquiryEntities.ProcessedRow(processed, sourceId);
        try
        {
            await (once ? store.InsertAsync(Table, row, cancellationToken) : store.UpsertAsync(Table, row, cancellationToken));
            return true;
        }
        catch (TableStoreException e) when (once && e.Status == 409)
        {
            return false;
        }
    }

    /// <summary>A user's message content recorded in the enquiry's conversation (or, before the conversations table, in its channel), or null.</summary>
    public async Task<InboundContent?> GetContentAsync(StoredEnquiry enquiry, string messageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(enquiry);
        await EnsureTablesAsync(cancellationToken);
        var row = await store.GetAsync(Table, EnquiryEntities.PartitionOf(enquiry), EnquiryTables.ContentRow(messageId), cancellationToken);
        return row is not null
            ? EnquiryEntities.ReadContent(enquiry.ChannelId, messageId, row)
            : await _earlier.GetContentAsync(enquiry.ChannelId, messageId, cancellationToken);
    }

    /// <summary>The events the enquiry keeps, oldest first.</summary>
    public async Task<IReadOnlyList<KeptEvent>> GetKeptAsync(StoredEnquiry enquiry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(enquiry);
        if (enquiry.Enquiry.KeptEvents == 0)
        {
            return [];
        }

        await EnsureTablesAsync(cancellationToken);
        var kept = new List<KeptEvent>(enquiry.Enquiry.KeptEvents);
        var prefix = EnquiryTables.KeptRows(enquiry.Id);
        var end = enquiry.FirstKept + enquiry.Enquiry.KeptEvents;
        await foreach (var row in store.QueryAsync(Table, TableKeyRange.Only(EnquiryEntities.PartitionOf(enquiry)), prefix, cancellationToken))
        {
            // Rows below FirstKept were delivered and not removed yet (a write removes only so many).
            if (long.TryParse(row.RowKey.AsSpan(prefix.From.Length), out var number) && number >= enquiry.FirstKept && number < end)
            {
                kept.Add(EnquiryEntities.ReadKept(enquiry.Id, number, row));
            }
        }

        return kept;
    }

    /// <summary>The enquiry's latest events, oldest first: at most <paramref name="count"/>, none received before <paramref name="since"/>.</summary>
    public async Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(StoredEnquiry enquiry, int count, DateTimeOffset since, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(enquiry);
        if (enquiry.History == 0 || count <= 0)
        {
            return [];
        }

        await EnsureTablesAsync(cancellationToken);
        var prefix = EnquiryTables.HistoryRows(enquiry.Id);
        var history = new List<HistoryEvent>();
        await foreach (var row in store.QueryAsync(Table, TableKeyRange.Only(EnquiryEntities.PartitionOf(enquiry)), prefix, cancellationToken))
        {
            if (long.TryParse(row.RowKey.AsSpan(prefix.From.Length), out var number) && number >= enquiry.History - count)
            {
                var read = EnquiryEntities.ReadHistory(enquiry.Id, number, row);
                if (read.ReceivedAt >= since)
                {
                    history.Add(read);
                }
            }
        }

        return history;
    }

    /// <summary>The channel's enquiries in <paramref name="state"/>, read with one range query over its partitions.</summary>
    public async IAsyncEnumerable<StoredEnquiry> ListAsync(string channelId, EnquiryState state, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await EnsureTablesAsync(cancellationToken);
        await foreach (var row in store.QueryAsync(Table, EnquiryTables.Channel(channelId), EnquiryTables.EnquiryRows, cancellationToken))
        {
            var enquiry = EnquiryEntities.ReadEnquiry(row);
            if (enquiry.Enquiry.State == state)
            {
                yield return enquiry;
            }
        }
    }

    /// <summary>
    /// Stores one write as one transaction; the enquiry comes back with its new ETag. Null when the enquiry
    /// changed since it was read (or appeared, or vanished): read it again and decide again.
    /// </summary>
    /// <param name="before">The enquiry as it was read; null when it is new (inserted).</param>
    public async Task<StoredEnquiry?> WriteAsync(EnquiryWrite write, Enquiry? before, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        await EnsureTablesAsync(cancellationToken);
        var enquiryRow = EnquiryEntities.EnquiryRow(write.Enquiry with { ETag = null });
        const int EnquiryAt = 0;
        var operations = new List<TableOperation>
        {
            before is null
                ? TableOperation.Insert(enquiryRow)
                : TableOperation.Replace(enquiryRow, write.Enquiry.ETag ?? throw new ArgumentException("An enquiry is replaced with the ETag it was read with.", nameof(write))),
        };
        if (write.Record is { } record)
        {
            operations.Add(TableOperation.Upsert(EnquiryEntities.ProcessedRow(record, write.Enquiry.Enquiry.SourceId)));
        }

        if (write.Source is { } source)
        {
            operations.Add(TableOperation.Upsert(EnquiryEntities.SourceRow(source with { ETag = null })));
        }

        if (write.Content is { } content)
        {
            operations.Add(TableOperation.Upsert(EnquiryEntities.ContentRow(content, enquiryRow.PartitionKey)));
        }

        if (write.Keep is { } keep)
        {
            operations.Add(TableOperation.Upsert(EnquiryEntities.KeptRow(keep, enquiryRow.PartitionKey)));
        }

        if (write.History is { } history)
        {
            operations.Add(TableOperation.Upsert(EnquiryEntities.HistoryRow(history, enquiryRow.PartitionKey)));
            if (history.Number >= Channels.HandoverSettings.MaxHistoryEvents)
            {
                // Rows are numbered from 0, one per write that adds one: this one was written, and only this write removes it.
                operations.Add(TableOperation.Delete(enquiryRow.PartitionKey, EnquiryTables.HistoryRow(write.Enquiry.Id, history.Number - Channels.HandoverSettings.MaxHistoryEvents), "*"));
            }
        }

        operations.AddRange(write.Forget.Take(MaxForgottenPerWrite).Select(n => TableOperation.Delete(enquiryRow.PartitionKey, EnquiryTables.KeptRow(write.Enquiry.Id, n), "*")));
        try
        {
            var etags = await store.SubmitTransactionAsync(Table, enquiryRow.PartitionKey, operations, cancellationToken);
            ConnectorMetrics.EnquiryWritten(write.Enquiry.ChannelId, before, write.Enquiry.Enquiry);
            return write.Enquiry with { ETag = etags[EnquiryAt] };
        }
        catch (TableStoreException e) when (e.Status == 412 || (e.Status is 404 or 409 && e.OperationIndex == EnquiryAt))
        {
            return null;
        }
    }

    /// <summary>
    /// Applies <paramref name="change"/> to <paramref name="current"/> and writes the result if nobody wrote
    /// the enquiry since; otherwise reads it again and reapplies. <paramref name="change"/> returns null to
    /// leave the enquiry as it is. Returns the enquiry as finally stored, or null when there is none (any more).
    /// </summary>
    public async Task<StoredEnquiry?> UpdateAsync(StoredEnquiry current, Func<StoredEnquiry, EnquiryWrite?> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(change);
        StoredEnquiry? enquiry = current;
        for (var attempt = 0; attempt < MaxUpdateAttempts; attempt++)
        {
            if (attempt > 0)
            {
                // Someone else wrote the enquiry since it was read: read it again and reapply the change.
                enquiry = await GetAsync(current.Id, cancellationToken);
            }

            if (enquiry is null)
            {
                return null;
            }

            if (change(enquiry) is not { } write)
            {
                return enquiry;
            }

            if (await WriteAsync(write, enquiry.Enquiry, cancellationToken) is { } written)
            {
                return written;
            }
        }

        throw new EnquiryChangedException(current.Id);
    }

    private Task EnsureTablesAsync(CancellationToken cancellationToken) => TableSetup.EnsureAsync(store, ref _tablesReady, cancellationToken);
}

/// <summary>Creates the enquiry tables once per store (again after a failed attempt).</summary>
internal static class TableSetup
{
    public static Task EnsureAsync(ITableStore store, ref Task? ready, CancellationToken cancellationToken)
    {
        var current = ready;
        if (current is null || current.IsFaulted || current.IsCanceled)
        {
            current = ready = CreateAsync(store, cancellationToken);
        }

        return current;
    }

    private static async Task CreateAsync(ITableStore store, CancellationToken cancellationToken)
    {
        foreach (var table in EnquiryTables.All)
        {
            await store.CreateTableIfNotExistsAsync(table, cancellationToken);
        }
    }
}
