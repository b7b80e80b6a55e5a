using LineConnector.Core.Storage;

namespace LineConnector.Core.Enquiries;

/// <summary>
/// The enquiry tables of versions before <see cref="EnquiryTables.Conversations"/>, each partitioned by
/// channel id: <c>Enquiries</c> (row key = enquiry id), <c>EnquirySources</c> (row key = source id) and
/// <c>EnquiryContent</c> (row key = LINE message id). Read where the conversations table has nothing yet,
/// so that conversations carry over as they are used: <see cref="EnquiryStore"/> writes what it finds
/// into the conversations table and reads it from there on. Once these tables are deleted
/// (docs/configuration.md says when), the first read finds them gone and no other is made.
/// </summary>
internal sealed class EarlierEnquiryTables(ITableStore store)
{
    public const string Enquiries = "Enquiries";
    public const string Sources = "EnquirySources";
    public const string Content = "EnquiryContent";

    /// <summary>Records of handled events (row key = webhook event id, with <c>SourceId</c> and <c>ProcessedAt</c>): never read, only erased and swept (Privacy).</summary>
    public const string Events = "EnquiryEvents";

    private volatile bool _gone;

    public async Task<StoredEnquiry?> GetEnquiryAsync(string channelId, string enquiryId, CancellationToken cancellationToken) =>
        await GetAsync(Enquiries, channelId, enquiryId, cancellationToken) is { } row ? EnquiryEntities.ReadEnquiry(enquiryId, row, Enquiries) : null;

    public async Task<SourceRecord?> GetSourceAsync(string channelId, string sourceId, CancellationToken cancellationToken) =>
        await GetAsync(Sources, channelId, sourceId, cancellationToken) is { } row ? EnquiryEntities.ReadSource(channelId, sourceId, row, Sources) with { ETag = null } : null;

    public async Task<InboundContent?> GetContentAsync(string channelId, string messageId, CancellationToken cancellationToken) =>
        await GetAsync(Content, channelId, messageId, cancellationToken) is { } row ? EnquiryEntities.ReadContent(channelId, messageId, row, Content) : null;

    private async Task<TableRow?> GetAsync(string table, string channelId, string rowKey, CancellationToken cancellationToken)
    {
        if (_gone || !TableRules.IsValidKey(rowKey))
        {
            return null;
        }

        try
        {
            return await store.GetAsync(table, channelId, rowKey, cancellationToken);
        }
        catch (TableStoreException e) when (e.ErrorCode == TableErrorCodes.TableNotFound)
        {
            _gone = true;
            return null;
        }
    }
}
