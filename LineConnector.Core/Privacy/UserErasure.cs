using LineConnector.Core.Channels;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Outbound;
using LineConnector.Core.Storage;

namespace LineConnector.Core.Privacy;

/// <summary>The answer of <c>DELETE /api/manage/channels/{id}/users/{userId}</c>: what was deleted, by kind.</summary>
/// <param name="User">The user as the channel's logs name them (their keyed hash when the channel masks logging).</param>
public sealed record ErasureResource(string ChannelId, string User, DeletedRows Deleted);

/// <summary>
/// Erases one LINE user of a channel (requests under Japan's APPI and the GDPR): every row about them in
/// the conversations table (their source row, enquiries, records of their events, content and kept rows),
/// the records of what was sent to them, and their rows in the enquiry tables of earlier versions. Everything about a user is in one partition of each table,
/// so this is a few queries and transactions, not a scan (but for the earlier tables: one partition per channel).
/// </summary>
public sealed class UserErasure(ITableStore store, ChannelRepository channels, SensitiveLogging sensitive)
{
    public async Task<ErasureResource> EraseAsync(string channelId, string userId, CancellationToken cancellationToken)
    {
        if (!OutboundRequest.IsLineId(userId) || userId[0] != 'U')
        {
            throw DomainException.Invalid("userId", "a LINE user id: U followed by 32 hexadecimal digits");
        }

        var channel = (await channels.GetAsync(channelId, cancellationToken))?.Channel
            ?? throw new DomainException(DomainError.NotFound, $"There is no channel '{channelId}'.", title: "No such channel");

        await store.CreateTableIfNotExistsAsync(EnquiryTables.Conversations, cancellationToken);
        var partition = new List<TableRow>();
        await foreach (var row in store.QueryPartitionAsync(EnquiryTables.Conversations, EnquiryTables.Partition(channelId, userId), cancellationToken))
        {
            partition.Add(row);
        }

        bool Theirs(TableRow r) => r.Properties.GetValueOrDefault(EnquiryProperties.SourceId) is string source && source == userId;
        var enquiries = partition.Where(r => r.RowKey.StartsWith(ConversationRows.EnquiryPrefix, StringComparison.Ordinal) && Theirs(r)).ToList();
        var enquiryIds = enquiries.Select(r => r.RowKey[ConversationRows.EnquiryPrefix.Length..]).ToHashSet(StringComparer.Ordinal);
        var rows = partition.Where(r => r.RowKey == EnquiryTables.SourceRow(userId)
                || (r.RowKey.StartsWith(ConversationRows.EventPrefix, StringComparison.Ordinal) && Theirs(r)))
            .Concat(enquiries)
            .Concat(ConversationRows.BelongingTo(partition, enquiryIds))
            .ToList();
        var deleted = await ConversationRows.DeleteAsync(store, EnquiryTables.Conversations, rows, cancellationToken);

        await store.CreateTableIfNotExistsAsync(TableOutboundRecords.Table, cancellationToken);
        var sent = new List<TableRow>();
        await foreach (var row in store.QueryPartitionAsync(TableOutboundRecords.Table, TableOutboundRecords.Partition(new OutboundKey("", channelId, userId)), cancellationToken))
        {
            sent.Add(row);
        }

        deleted += await ConversationRows.DeleteAsync(store, TableOutboundRecords.Table, sent, cancellationToken);

        // Conversations not yet carried over to the conversations table (EarlierEnquiryTables).
        deleted += await ConversationRows.DeleteEarlierAsync(store, channelId, Theirs, r => r.RowKey == userId, Theirs, cancellationToken);
        return new ErasureResource(channelId, sensitive.For(channel, userId), deleted);
    }
}
