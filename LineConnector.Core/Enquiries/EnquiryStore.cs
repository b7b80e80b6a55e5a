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
/// Enquiries, sources and handled causes in Table Storage (<see cref="EnquiryTables"/>). Writers of one
/// enquiry (the inbound function, the enquiry API) are kept apart by ETags: <see cref="UpdateAsync"/>
/// reads, applies the change and writes only if the row is unchanged, else reads again and reapplies.
/// Store failures surface as <see cref="TableStoreException"/>.
/// </summary>
public sealed class EnquiryStore(ITableStore store)
{
    /// <summary>How often an update is reapplied after a concurrent change before it gives up.</summary>
    public const int MaxUpdateAttempts = 8;

    private Task? _tablesReady;

    /// <summary>The enquiry, or null when the id is not an enquiry id or there is no such enquiry.</summary>
    public async Task<StoredEnquiry?> GetAsync(string enquiryId, CancellationToken cancellationToken)
    {
        if (!EnquiryIds.TryParse(enquiryId, out var channelId))
        {
            return null;
        }

        await EnsureTablesAsync(cancellationToken);
        var row = await store.GetAsync(EnquiryTables.Enquiries, channelId, enquiryId, cancellationToken);
        return row is null ? null : EnquiryEntities.ReadEnquiry(row);
    }

    /// <summary>Adds a new enquiry; null when one with its id exists already (a redelivered event opened it before).</summary>
    public async Task<StoredEnquiry?> InsertAsync(StoredEnquiry enquiry, CancellationToken cancellationToken)
    {
        await EnsureTablesAsync(cancellationToken);
        try
        {
            var etag = await store.InsertAsync(EnquiryTables.Enquiries, EnquiryEntities.EnquiryRow(enquiry with { ETag = null }), cancellationToken);
            ConnectorMetrics.EnquiryWritten(enquiry.ChannelId, null, enquiry.Enquiry);
            return enquiry with { ETag = etag };
        }
        catch (TableStoreException e) when (e.Status == 409)
        {
            return null;
        }
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the enquiry as stored and writes the result if nobody wrote
    /// in between; otherwise reads it again and reapplies. <paramref name="change"/> returns null to
    /// leave the enquiry as it is. Returns the enquiry as finally stored, or null when there is none.
    /// </summary>
    public async Task<StoredEnquiry?> UpdateAsync(string enquiryId, Func<StoredEnquiry, StoredEnquiry?> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        for (var attempt = 0; attempt < MaxUpdateAttempts; attempt++)
        {
            var current = await GetAsync(enquiryId, cancellationToken);
            if (current is null)
            {
                return null;
            }

            var changed = change(current);
            if (changed is null)
            {
                return current;
            }

            try
            {
                var etag = await store.ReplaceAsync(EnquiryTables.Enquiries, EnquiryEntities.EnquiryRow(changed), current.ETag!, cancellationToken);
                ConnectorMetrics.EnquiryWritten(changed.ChannelId, current.Enquiry, changed.Enquiry);
                return changed with { ETag = etag };
            }
            catch (TableStoreException e) when (e.Status == 412)
            {
                // Someone else wrote the enquiry since it was read: read it again and reapply the change.
            }
        }

        throw new EnquiryChangedException(enquiryId);
    }

    public async Task<SourceRecord?> GetSourceAsync(string channelId, string sourceId, CancellationToken cancellationToken)
    {
        await EnsureTablesAsync(cancellationToken);
        var row = await store.GetAsync(EnquiryTables.Sources, channelId, sourceId, cancellationToken);
        return row is null ? null : EnquiryEntities.ReadSource(row);
    }

    /// <summary>Writes a source's row whatever is there: only the inbound function writes it, one message of a source at a time.</summary>
    public async Task SaveSourceAsync(SourceRecord source, CancellationToken cancellationToken)
    {
        await EnsureTablesAsync(cancellationToken);
        await store.UpsertAsync(EnquiryTables.Sources, EnquiryEntities.SourceRow(source with { ETag = null }), cancellationToken);
    }

    public async Task<ProcessedCause?> FindProcessedAsync(string channelId, string cause, CancellationToken cancellationToken)
    {
        await EnsureTablesAsync(cancellationToken);
        var row = await store.GetAsync(EnquiryTables.Processed, channelId, cause, cancellationToken);
        return row is null ? null : EnquiryEntities.ReadProcessed(row);
    }

    /// <summary>Records a handled cause; if it was recorded already, the first record stays.</summary>
    public async Task RecordProcessedAsync(ProcessedCause processed, CancellationToken cancellationToken)
    {
        await EnsureTablesAsync(cancellationToken);
        try
        {
            await store.InsertAsync(EnquiryTables.Processed, EnquiryEntities.ProcessedRow(processed), cancellationToken);
        }
        catch (TableStoreException e) when (e.Status == 409)
        {
            // Recorded by an earlier delivery of the same message.
        }
    }

    /// <summary>Records that a user's image, video, audio or file went to an enquiry; if it was recorded already, the first record stays.</summary>
    public async Task RecordContentAsync(InboundContent content, CancellationToken cancellationToken)
    {
        await EnsureTablesAsync(cancellationToken);
        try
        {
            await store.InsertAsync(EnquiryTables.Content, EnquiryEntities.ContentRow(content), cancellationToken);
        }
        catch (TableStoreException e) when (e.Status == 409)
        {
            // Recorded by an earlier delivery of the same event.
        }
    }

    /// <summary>The enquiry a user's message content went to, or null when none was recorded.</summary>
    public async Task<InboundContent?> GetContentAsync(string channelId, string messageId, CancellationToken cancellationToken)
    {
        await EnsureTablesAsync(cancellationToken);
        var row = await store.GetAsync(EnquiryTables.Content, channelId, messageId, cancellationToken);
        return row is null ? null : EnquiryEntities.ReadContent(row);
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
