using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LineConnector.Core.Storage;

namespace LineConnector.Core.Outbound;

/// <summary>
/// Outbound records in the <c>OutboundMessages</c> table (docs/configuration.md), through the
/// <see cref="ITableStore"/> port: Azure Table Storage under the Functions host, the local store in local
/// mode, memory in unit tests. One partition per conversation (<c>{channel id}:{recipient}</c>, as the
/// queue session) holds a row per message (<c>message:{outbound id}</c>) and a row per claimed reply token
/// (<c>reply-token:{SHA-256 of the token}</c>, as LINE issues a token for one conversation): claiming a
/// token and starting a message are one entity-group transaction. Writes are conditional on the row's
/// ETag, so two deliveries of one message never overwrite each other's results.
/// </summary>
/// <remarks>
/// A fresh message costs 1 request to start (read, or the claim transaction), 1 per request sent but the
/// last, 1 to record the result with the last request, and 1 to mark it reported. Rows are not deleted:
/// the connector needs them for 24 hours (LINE keeps a retry key that long); older rows may be removed.
/// </remarks>
public sealed class TableOutboundRecords(ITableStore store, TimeProvider clock) : IOutboundRecords
{
    public const string Table = "OutboundMessages";

    /// <summary>The partition of records whose queue message named no usable channel and recipient.</summary>
    public const string UnreadablePartition = "unreadable";

    public const string OutboundIdProperty = "OutboundId";
    public const string ChannelIdProperty = "ChannelId";
    public const string RecipientProperty = "Recipient";
    public const string ReplyTriedProperty = "ReplyTried";
    public const string SentPropertyPrefix = "Sent";
    public const string ResultProperty = "Result";
    public const string ReportedProperty = "Reported";
    public const string ClaimedAtProperty = "ClaimedAt";

    /// <summary>Attempts of a conditional write before giving up (another delivery of the same message writing at the same time).</summary>
    private const int MaxWriteAttempts = 5;

    /// <summary>Longer outbound ids are hashed into their row key.</summary>
    private const int MaxReadableIdLength = TableRules.MaxKeyLength - 16;

    private Task? _tableReady;

    public async Task<OutboundRecord> StartAsync(OutboundKey key, string? freshReplyToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await EnsureTableAsync(cancellationToken);
        var partition = Partition(key);
        if (freshReplyToken is null || partition == UnreadablePartition)
        {
            return await ReadAsync(key, cancellationToken);
        }

        // Usually one request: the message is new and the token free.
        var row = new TableRow(partition, MessageRowKey(key.OutboundId), KeyProperties(key, replyTried: true));
        try
        {
            var etags = await store.SubmitTransactionAsync(Table, partition, [TableOperation.Insert(row), TableOperation.Insert(ClaimRow(partition, key.OutboundId, freshReplyToken))], cancellationToken);
            return new OutboundRecord(key, [], null, false, ReplyState.Claimed, etags[0]);
        }
        catch (TableStoreException e) when (e.Status == 409)
        {
            // Redelivered, or the token is another message's: read both and decide.
        }

        var record = await ReadAsync(key, cancellationToken);
        if (record.Result is not null || record.Reply == ReplyState.TriedBefore)
        {
            return record;
        }

        var claim = await store.GetAsync(Table, partition, ClaimRowKey(freshReplyToken), cancellationToken);
        if (claim is not null)
        {
            // Held by this very message without a record of the try (the record row was removed): never risk a second reply.
            return record with { Reply = ClaimHolder(claim) == key.OutboundId ? ReplyState.TriedBefore : ReplyState.HeldByAnother };
        }

        try
        {
            await store.InsertAsync(Table, ClaimRow(partition, key.OutboundId, freshReplyToken), cancellationToken);
        }
        catch (TableStoreException e) when (e.Status == 409)
        {
            return record with { Reply = ReplyState.HeldByAnother };
        }

        var stored = await WriteAsync(record, new Dictionary<string, object?> { [ReplyTriedProperty] = true }, r => r, _ => false, cancellationToken);
        return stored with { Reply = ReplyState.Claimed };
    }

    public Task<OutboundRecord> AddSentAsync(OutboundRecord record, SentRequest sent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(sent);
        return WriteAsync(
            record,
            new Dictionary<string, object?> { [SentProperty(sent.Index)] = Json(sent) },
            r => r with { Sent = [.. r.Sent.Append(sent).OrderBy(s => s.Index)] },
            r => r.Sent.Any(s => s.Index == sent.Index),
            cancellationToken);
    }

    /// <summary>
    /// How the channel's outbound messages that ended since <paramref name="since"/> ended, oldest first: every
    /// record of the channel's conversations is read (an operator's question, not a per-message path).
    /// </summary>
    public async Task<IReadOnlyList<OutboundResult>> ListResultsAsync(string channelId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(channelId);
        await EnsureTableAsync(cancellationToken);
        var results = new List<OutboundResult>();
        await foreach (var row in store.QueryAsync(Table, TableKeyRange.StartingWith(channelId + ":"), TableKeyRange.StartingWith("message"), cancellationToken))
        {
            if (row.Properties.GetValueOrDefault(ResultProperty) is string json
                && Parse(row, ResultProperty, json, OutboundJsonContext.Default.OutboundResult) is { } result
                && result.FinishedAt >= since)
            {
                results.Add(result);
            }
        }

        return [.. results.OrderBy(r => r.FinishedAt)];
    }

    public Task<OutboundRecord> FinishAsync(OutboundRecord record, OutboundResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(result);
        var properties = new Dictionary<string, object?> { [ResultProperty] = ResultJson(result) };
        var unrecorded = result.Requests.Where(r => record.Sent.All(s => s.Index != r.Index)).ToList();
        foreach (var sent in unrecorded)
        {
            properties[SentProperty(sent.Index)] = Json(sent);
        }

        return WriteAsync(
            record,
            properties,
            r => r with { Sent = [.. r.Sent.Concat(unrecorded.Where(u => r.Sent.All(s => s.Index != u.Index))).OrderBy(s => s.Index)], Result = result },
            r => r.Result is not null,
            cancellationToken);
    }

    public async Task MarkReportedAsync(OutboundRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await store.MergeAsync(Table, new TableRow(Partition(record.Key), MessageRowKey(record.Key.OutboundId), new Dictionary<string, object?> { [ReportedProperty] = true }), "*", cancellationToken);
    }

    public async Task<OutboundRecord> ReleaseReplyTokenAsync(OutboundRecord record, string replyToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(replyToken);
        var stored = await WriteAsync(record, new Dictionary<string, object?> { [ReplyTriedProperty] = false }, r => r, _ => false, cancellationToken);
        try
        {
            await store.DeleteAsync(Table, Partition(record.Key), ClaimRowKey(replyToken), "*", cancellationToken);
        }
        catch (TableStoreException e) when (e.Status == 404)
        {
            // Given back before.
        }

        return stored with { Reply = ReplyState.NotTried };
    }

    /// <summary>
    /// Merges <paramref name="properties"/> into the record's row if it is unchanged (inserts it when there is none),
    /// and returns the record as <paramref name="apply"/> makes it. When another delivery wrote in between, reads the
    /// row again: if <paramref name="done"/> says it holds the write already, that stays; otherwise the write is made
    /// on the new version.
    /// </summary>
    private async Task<OutboundRecord> WriteAsync(
        OutboundRecord record, Dictionary<string, object?> properties, Func<OutboundRecord, OutboundRecord> apply, Func<OutboundRecord, bool> done, CancellationToken cancellationToken)
    {
        var partition = Partition(record.Key);
        var rowKey = MessageRowKey(record.Key.OutboundId);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (record.ETag is null)
                {
                    var all = KeyProperties(record.Key, replyTried: false);
                    foreach (var (name, value) in properties)
                    {
                        all[name] = value;
                    }

                    return apply(record) with { ETag = await store.InsertAsync(Table, new TableRow(partition, rowKey, all), cancellationToken) };
                }

                return apply(record) with { ETag = await store.MergeAsync(Table, new TableRow(partition, rowKey, properties), record.ETag, cancellationToken) };
            }
            catch (TableStoreException e) when (e.Status is 409 or 412 && attempt < MaxWriteAttempts)
            {
                var current = await ReadAsync(record.Key, cancellationToken) with { Reply = record.Reply };
                if (done(current))
                {
                    return current;
                }

                record = current;
            }
        }
    }

    private async Task<OutboundRecord> ReadAsync(OutboundKey key, CancellationToken cancellationToken)
    {
        var row = await store.GetAsync(Table, Partition(key), MessageRowKey(key.OutboundId), cancellationToken);
        return row is null
            ? new OutboundRecord(key, [], null, false, ReplyState.NotTried, null)
            : Read(key, row);
    }

    /// <summary>
    /// Every LINE request recorded for the channel's messages, in no particular order: one range query over
    /// the channel's conversations (<c>{channel id}:</c> up to <c>{channel id};</c>), reading every record
    /// row of the channel. An operator's query (usage), not one for every message.
    /// </summary>
    public static async IAsyncEnumerable<SentRequest> SentByChannelAsync(ITableStore store, string channelId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(channelId);
        await store.CreateTableIfNotExistsAsync(Table, cancellationToken);
        await foreach (var row in store.QueryAsync(Table, TableKeyRange.StartingWith(channelId + ":"), TableKeyRange.StartingWith("message"), cancellationToken))
        {
            foreach (var (name, value) in row.Properties)
            {
                if (name.StartsWith(SentPropertyPrefix, StringComparison.Ordinal) && int.TryParse(name.AsSpan(SentPropertyPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out _) && value is string sentJson)
                {
                    yield return Parse(row, name, sentJson, OutboundJsonContext.Default.SentRequest);
                }
            }
        }
    }

    private static OutboundRecord Read(OutboundKey key, TableRow row)
    {
        var sent = new List<SentRequest>();
        OutboundResult? result = null;
        foreach (var (name, value) in row.Properties)
        {
            if (name.StartsWith(SentPropertyPrefix, StringComparison.Ordinal) && int.TryParse(name.AsSpan(SentPropertyPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out _) && value is string sentJson)
            {
                sent.Add(Parse(row, name, sentJson, OutboundJsonContext.Default.SentRequest));
            }
            else if (name == ResultProperty && value is string resultJson)
            {
                result = Parse(row, name, resultJson, OutboundJsonContext.Default.OutboundResult);
            }
        }

        var tried = row.Properties.GetValueOrDefault(ReplyTriedProperty) is true;
        return new OutboundRecord(
            key,
            [.. sent.OrderBy(s => s.Index)],
            result,
            row.Properties.GetValueOrDefault(ReportedProperty) is true,
            tried ? ReplyState.TriedBefore : ReplyState.NotTried,
            row.ETag);
    }

    private static T Parse<T>(TableRow row, string property, string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(json, type) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new DomainException(DomainError.Misconfigured, $"Table {Table}, partition '{row.PartitionKey}', row '{row.RowKey}', property {property}: not a record the connector wrote ({e.Message}).");
        }
    }

    private static Dictionary<string, object?> KeyProperties(OutboundKey key, bool replyTried) => new()
    {
        [OutboundIdProperty] = key.OutboundId,
        [ChannelIdProperty] = key.ChannelId,
        [RecipientProperty] = key.Recipient,
        [ReplyTriedProperty] = replyTried,
    };

    private TableRow ClaimRow(string partition, string outboundId, string replyToken) =>
        new(partition, ClaimRowKey(replyToken), new Dictionary<string, object?> { [OutboundIdProperty] = outboundId, [ClaimedAtProperty] = clock.GetUtcNow() });

    private static string? ClaimHolder(TableRow claim) => claim.Properties.GetValueOrDefault(OutboundIdProperty) as string;

    /// <summary>The result as stored: failure details beyond what a Table string property holds (32,768 characters) are cut, saying how many.</summary>
    private static string ResultJson(OutboundResult result)
    {
        var json = JsonSerializer.Serialize(result, OutboundJsonContext.Default.OutboundResult);
        var kept = result.Failure?.Details.Count ?? 0;
        while (json.Length > TableRules.MaxStringLength && kept > 0)
        {
            kept /= 2;
            var failure = result.Failure!;
            var details = failure.Details.Take(kept).Append($"({failure.Details.Count - kept} more details are not kept)").ToList();
            json = JsonSerializer.Serialize(result with { Failure = failure with { Details = details } }, OutboundJsonContext.Default.OutboundResult);
        }

        return json;
    }

    private static string Json(SentRequest sent) => JsonSerializer.Serialize(sent, OutboundJsonContext.Default.SentRequest);

    private static string SentProperty(int index) => SentPropertyPrefix + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>The conversation: a channel id and a LINE id are both safe as keys; anything else goes to <see cref="UnreadablePartition"/>.</summary>
    public static string Partition(OutboundKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.ChannelId is { } channel && Channels.ChannelId.IsValid(channel) && key.Recipient is { } recipient && OutboundRequest.IsLineId(recipient)
            ? $"{channel}:{recipient}"
            : UnreadablePartition;
    }

    /// <summary><c>message:{id}</c>; an id a table key cannot hold as it is (<c>/ \ # ?</c>, control characters) is hashed.</summary>
    public static string MessageRowKey(string outboundId) =>
        outboundId.Length <= MaxReadableIdLength && !outboundId.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c))
            ? "message:" + outboundId
            : "message-sha256:" + Hash(outboundId);

    /// <summary>Reply tokens are LINE's to shape: hashed, so any token is a key and none is stored.</summary>
    public static string ClaimRowKey(string replyToken) => "reply-token:" + Hash(replyToken);

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        // One creation per instance; a failed one is tried again on the next call.
        var ready = _tableReady;
        if (ready is null || ready.IsFaulted || ready.IsCanceled)
        {
            ready = store.CreateTableIfNotExistsAsync(Table, cancellationToken);
            _tableReady = ready;
        }

        return ready;
    }
}
