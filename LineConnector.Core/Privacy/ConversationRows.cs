using LineConnector.Core.Enquiries;
using LineConnector.Core.Storage;

namespace LineConnector.Core.Privacy;

/// <summary>How many rows of each kind were deleted: the answer of an erasure and the result of a retention sweep.</summary>
/// <param name="Sources">Source rows (a user's current enquiry and who served them last).</param>
/// <param name="Enquiries">Enquiry rows.</param>
/// <param name="Events">Records of handled events (<c>event:</c> rows).</param>
/// <param name="Contents">Rows of images, video, audio and files users sent (<c>content:</c> rows).</param>
/// <param name="KeptEvents">Events kept for a destination (<c>kept:</c> rows).</param>
/// <param name="History">Events kept as the enquiry's history for a handover (<c>history:</c> rows).</param>
/// <param name="OutboundMessages">Records of what was sent to LINE (table <c>OutboundMessages</c>).</param>
public sealed record DeletedRows(int Sources, int Enquiries, int Events, int Contents, int KeptEvents, int History, int OutboundMessages)
{
    public static DeletedRows None { get; } = new(0, 0, 0, 0, 0, 0, 0);

    public int Total => Sources + Enquiries + Events + Contents + KeptEvents + History + OutboundMessages;

    public static DeletedRows operator +(DeletedRows a, DeletedRows b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return new(a.Sources + b.Sources, a.Enquiries + b.Enquiries, a.Events + b.Events, a.Contents + b.Contents, a.KeptEvents + b.KeptEvents, a.History + b.History, a.OutboundMessages + b.OutboundMessages);
    }
}

/// <summary>Deletes chosen rows of the conversations table, one partition's at a time in transactions, and counts them by kind.</summary>
internal static class ConversationRows
{
    public const string SourcePrefix = "source:";
    public const string EnquiryPrefix = "enquiry:";
    public const string EventPrefix = "event:";
    public const string ContentPrefix = "content:";
    public const string KeptPrefix = "kept:";
    public const string HistoryPrefix = "history:";

    public static async Task<DeletedRows> DeleteAsync(ITableStore store, string table, IReadOnlyList<TableRow> rows, CancellationToken cancellationToken)
    {
        await DeleteRowsAsync(store, table, rows, cancellationToken);
        int Count(string prefix) => rows.Count(r => r.RowKey.StartsWith(prefix, StringComparison.Ordinal));
        return table == EnquiryTables.Conversations
            ? new DeletedRows(Count(SourcePrefix), Count(EnquiryPrefix), Count(EventPrefix), Count(ContentPrefix), Count(KeptPrefix), Count(HistoryPrefix), 0)
            : DeletedRows.None with { OutboundMessages = rows.Count };
    }

    /// <summary>Deletes <paramref name="rows"/> of any table, in transactions of one partition each; returns how many.</summary>
    public static async Task<int> DeleteRowsAsync(ITableStore store, string table, IReadOnlyList<TableRow> rows, CancellationToken cancellationToken)
    {
        foreach (var partition in rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal))
        {
            foreach (var batch in partition.Chunk(TableRules.MaxTransactionOperations))
            {
                await store.SubmitTransactionAsync(table, partition.Key, [.. batch.Select(r => TableOperation.Delete(r.PartitionKey, r.RowKey, "*"))], cancellationToken);
            }
        }

        return rows.Count;
    }

    /// <summary>
    /// A channel's rows in a table of earlier versions (<see cref="EarlierEnquiryTables"/>: one partition per
    /// channel, read whole since nothing else narrows it); none once that table is deleted.
    /// </summary>
    public static async Task<IReadOnlyList<TableRow>> EarlierAsync(ITableStore store, string table, string channelId, CancellationToken cancellationToken)
    {
        var rows = new List<TableRow>();
        try
        {
            await foreach (var row in store.QueryPartitionAsync(table, channelId, cancellationToken))
            {
                rows.Add(row);
            }
        }
        catch (TableStoreException e) when (e.ErrorCode == TableErrorCodes.TableNotFound)
        {
            return [];
        }

        return rows;
    }

    /// <summary>
    /// Deletes the earlier versions' rows of the channel's enquiries <paramref name="enquiries"/> chooses (their
    /// <c>Enquiries</c> rows and their <c>EnquiryContent</c> rows), the <c>EnquirySources</c> rows <paramref name="sources"/>
    /// chooses and the <c>EnquiryEvents</c> rows <paramref name="events"/> chooses; counts them as the conversations table's kinds.
    /// </summary>
    public static async Task<DeletedRows> DeleteEarlierAsync(
        ITableStore store, string channelId, Func<TableRow, bool> enquiries, Func<TableRow, bool> sources, Func<TableRow, bool> events, CancellationToken cancellationToken)
    {
        var chosen = (await EarlierAsync(store, EarlierEnquiryTables.Enquiries, channelId, cancellationToken)).Where(enquiries).ToList();
        var ids = chosen.Select(r => r.RowKey).ToHashSet(StringComparer.Ordinal);
        var contents = ids.Count == 0
            ? []
            : (await EarlierAsync(store, EarlierEnquiryTables.Content, channelId, cancellationToken))
                .Where(r => r.Properties.GetValueOrDefault(EnquiryProperties.EnquiryId) is string id && ids.Contains(id)).ToList();
        var sourceRows = (await EarlierAsync(store, EarlierEnquiryTables.Sources, channelId, cancellationToken)).Where(sources).ToList();
        var eventRows = (await EarlierAsync(store, EarlierEnquiryTables.Events, channelId, cancellationToken)).Where(events).ToList();
        return DeletedRows.None with
        {
            Sources = await DeleteRowsAsync(store, EarlierEnquiryTables.Sources, sourceRows, cancellationToken),
            Events = await DeleteRowsAsync(store, EarlierEnquiryTables.Events, eventRows, cancellationToken),
            Enquiries = await DeleteRowsAsync(store, EarlierEnquiryTables.Enquiries, chosen, cancellationToken),
            Contents = await DeleteRowsAsync(store, EarlierEnquiryTables.Content, contents, cancellationToken),
        };
    }

    /// <summary>The content, kept and history rows that belong to <paramref name="enquiryIds"/>.</summary>
    public static IEnumerable<TableRow> BelongingTo(IEnumerable<TableRow> rows, IReadOnlySet<string> enquiryIds) =>
        rows.Where(r =>
            (r.RowKey.StartsWith(ContentPrefix, StringComparison.Ordinal) && r.Properties.GetValueOrDefault(EnquiryProperties.EnquiryId) is string id && enquiryIds.Contains(id))
            || (r.RowKey.StartsWith(KeptPrefix, StringComparison.Ordinal) && enquiryIds.Contains(NumberedEnquiry(KeptPrefix, r.RowKey)))
            || (r.RowKey.StartsWith(HistoryPrefix, StringComparison.Ordinal) && enquiryIds.Contains(NumberedEnquiry(HistoryPrefix, r.RowKey))));

    /// <summary>The enquiry id of a <c>kept:{enquiry id}:{number}</c> or <c>history:{enquiry id}:{number}</c> row key.</summary>
    private static string NumberedEnquiry(string prefix, string rowKey)
    {
        var rest = rowKey[prefix.Length..];
        var end = rest.LastIndexOf(':');
        return end < 0 ? rest : rest[..end];
    }
}
