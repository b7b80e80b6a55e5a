using System.Globalization;
using LineConnector.Core.Channels;
using LineConnector.Core.Outbound;
using LineConnector.Core.Routing;
using LineConnector.Core.Storage;
using P = LineConnector.Core.Enquiries.EnquiryProperties;

namespace LineConnector.Core.Enquiries;

/// <summary>A stored enquiry row the connector cannot read (a hand edit gone wrong); names the table, row and property.</summary>
public sealed class EnquiryRowException(string table, string partitionKey, string rowKey, string property, string message)
    : Exception($"Table {table}, partition '{partitionKey}', row '{rowKey}', property {property}: {message}")
{
    public string Table { get; } = table;

    public string RowKey { get; } = rowKey;

    public string Property { get; } = property;
}

/// <summary>
/// Rows of <see cref="EnquiryTables.Conversations"/> to and from flat Table properties: states as
/// words, times as DateTime, keys as <see cref="EnquiryTables"/> makes them.
/// </summary>
internal static class EnquiryEntities
{
    public static TableRow EnquiryRow(StoredEnquiry stored)
    {
        var e = stored.Enquiry;
        return new TableRow(PartitionOf(stored), EnquiryTables.EnquiryRow(e.Id), new Dictionary<string, object?>
        {
            [P.SourceId] = e.SourceId,
            [P.SourceType] = stored.SourceType,
            [P.State] = EnquiryTexts.State.Format(e.State),
            [P.DestinationId] = e.DestinationId,
            [P.StaffMemberId] = e.StaffMemberId,
            [P.StaffFirstName] = stored.StaffName?.FirstName,
            [P.StaffLastName] = stored.StaffName?.LastName,
            [P.OpenedAt] = e.OpenedAt,
            [P.OpenedByEventId] = stored.OpenedByEventId,
            [P.AcceptBy] = e.AcceptBy,
            [P.AcceptedAt] = e.AcceptedAt,
            [P.LastServedAt] = e.LastServedAt,
            [P.LastActivityAt] = e.LastActivityAt,
            [P.ClosedAt] = e.ClosedAt,
            [P.ClosedBy] = e.ClosedBy is { } by ? EnquiryTexts.Closer.Format(by) : null,
            [P.ExpiryWarnedAt] = e.ExpiryWarnedAt,
            [P.ReplyToken] = stored.LatestReply?.Token,
            [P.ReplyTokenReceivedAt] = stored.LatestReply?.WebhookReceivedAt,
            [P.MarkAsReadToken] = stored.MarkAsReadToken,
            [P.PendingCause] = stored.Pending?.Cause,
            [P.PendingEffects] = stored.Pending is { } pending ? EffectText.Format(pending.Effects) : null,
            [P.KeptEvents] = e.KeptEvents == 0 ? null : e.KeptEvents,
            [P.FirstKept] = stored.FirstKept == 0 ? null : stored.FirstKept,
            [P.OfferAt] = e.OfferAt,
            [P.Offers] = e.Offers == 0 ? null : e.Offers,
            [P.Moves] = e.Moves.Count == 0 ? null : EnquiryMove.Format(e.Moves),
            [P.HistoryEvents] = stored.History == 0 ? null : stored.History,
            [P.TransformerStorage] = stored.TransformerStorage,
            [P.UserLanguage] = stored.Languages.Chosen,
            [P.DetectedLanguages] = stored.Languages.DetectedText,
        }, stored.ETag);
    }

    public static StoredEnquiry ReadEnquiry(TableRow row) => ReadEnquiry(row.RowKey[EnquiryTables.EnquiryRow("").Length..], row);

    /// <param name="table">The table the row is in (also an enquiry table of earlier versions, whose rows have the same properties).</param>
    public static StoredEnquiry ReadEnquiry(string id, TableRow row, string table = EnquiryTables.Conversations)
    {
        var r = new Reader(row, table);
        var enquiry = new Enquiry
        {
            Id = id,
            SourceId = r.Required(P.SourceId),
            State = r.Word(P.State, EnquiryTexts.State) ?? throw r.Missing(P.State),
            DestinationId = r.Text(P.DestinationId),
            StaffMemberId = r.Text(P.StaffMemberId),
            OpenedAt = r.Time(P.OpenedAt) ?? throw r.Missing(P.OpenedAt),
            AcceptBy = r.Time(P.AcceptBy),
            AcceptedAt = r.Time(P.AcceptedAt),
            LastServedAt = r.Time(P.LastServedAt),
            LastActivityAt = r.Time(P.LastActivityAt) ?? throw r.Missing(P.LastActivityAt),
            ClosedAt = r.Time(P.ClosedAt),
            ClosedBy = r.Word(P.ClosedBy, EnquiryTexts.Closer),
            ExpiryWarnedAt = r.Time(P.ExpiryWarnedAt),
            KeptEvents = (int)(r.Number(P.KeptEvents, int.MaxValue) ?? 0),
            OfferAt = r.Time(P.OfferAt),
            Offers = (int)(r.Number(P.Offers, int.MaxValue) ?? 0),
            Moves = r.Moves(P.Moves),
        };

        var token = r.Text(P.ReplyToken);
        var tokenAt = r.Time(P.ReplyTokenReceivedAt);
        var cause = r.Text(P.PendingCause);
        PendingEffects? pending = null;
        if (cause is not null)
        {
            try
            {
                pending = new PendingEffects(cause, EffectText.Parse(r.Text(P.PendingEffects) ?? ""));
            }
            catch (FormatException e)
            {
                throw r.Wrong(P.PendingEffects, e.Message);
            }
        }

        var first = r.Text(P.StaffFirstName);
        return new StoredEnquiry
        {
            ChannelId = EnquiryIds.TryParse(id, out var channelId) ? channelId : throw r.Wrong("RowKey", "is no enquiry id"),
            Enquiry = enquiry,
            SourceType = r.Required(P.SourceType),
            StaffName = first is null ? null : new StaffName(first, r.Text(P.StaffLastName)),
            OpenedByEventId = r.Text(P.OpenedByEventId),
            LatestReply = token is not null && tokenAt is { } at ? new OutboundReply(token, at) : null,
            MarkAsReadToken = r.Text(P.MarkAsReadToken),
            Pending = pending,
            FirstKept = r.Number(P.FirstKept, long.MaxValue) ?? 0,
            History = r.Number(P.HistoryEvents, long.MaxValue) ?? 0,
            TransformerStorage = r.Text(P.TransformerStorage),
            Languages = new Translation.EnquiryLanguages(r.Text(P.UserLanguage), Translation.EnquiryLanguages.ParseDetected(r.Text(P.DetectedLanguages))),
            ETag = row.ETag,
        };
    }

    public static TableRow SourceRow(SourceRecord source) =>
        new(EnquiryTables.Partition(source.ChannelId, source.SourceId), EnquiryTables.SourceRow(source.SourceId), new Dictionary<string, object?>
        {
            [P.CurrentEnquiryId] = source.CurrentEnquiryId,
            [P.LastDestinationId] = source.LastService?.DestinationId,
            [P.LastStaffMemberId] = source.LastService?.StaffMemberId,
            [P.LastServedAt] = source.LastService?.ServedAt,
        }, source.ETag);

    public static SourceRecord ReadSource(string channelId, string sourceId, TableRow row, string table = EnquiryTables.Conversations)
    {
        var r = new Reader(row, table);
        var destination = r.Text(P.LastDestinationId);
        var servedAt = r.Time(P.LastServedAt);
        var last = destination is not null && servedAt is { } at ? new LastService(destination, r.Text(P.LastStaffMemberId), at) : null;
        return new SourceRecord(channelId, sourceId, r.Text(P.CurrentEnquiryId), last, row.ETag);
    }

    /// <param name="sourceId">The conversation the message belongs to (its partition); null for an event without a source.</param>
    public static TableRow ProcessedRow(ProcessedCause processed, string? sourceId) =>
        new(EnquiryTables.Partition(processed.ChannelId, sourceId), EnquiryTables.EventRow(processed.Cause), new Dictionary<string, object?>
        {
            [P.MessageId] = TableText(processed.Cause),
            [P.SourceId] = sourceId is null ? null : TableText(sourceId),
            [P.EnquiryId] = processed.EnquiryId,
            [P.EventType] = TableText(processed.EventType),
            [P.Outcome] = processed.Outcome,
            [P.Detail] = TableText(processed.Detail),
            [P.ProcessedAt] = processed.ProcessedAt,
        });

    public static ProcessedCause ReadProcessed(string channelId, string cause, TableRow row)
    {
        var r = new Reader(row);
        return new ProcessedCause(
            channelId,
            cause,
            r.Text(P.EnquiryId),
            r.Text(P.EventType) ?? "",
            r.Text(P.Outcome) ?? "",
            r.Text(P.Detail) ?? "",
            r.Time(P.ProcessedAt) ?? throw r.Missing(P.ProcessedAt));
    }

    /// <param name="partition">The partition of the enquiry the content went to.</param>
    public static TableRow ContentRow(InboundContent content, string partition) =>
        new(partition, EnquiryTables.ContentRow(content.MessageId), new Dictionary<string, object?>
        {
            [P.EnquiryId] = content.EnquiryId,
            [P.Kind] = content.Kind,
        });

    public static InboundContent ReadContent(string channelId, string messageId, TableRow row, string table = EnquiryTables.Conversations)
    {
        var r = new Reader(row, table);
        return new InboundContent(channelId, messageId, r.Required(P.EnquiryId), r.Required(P.Kind));
    }

    /// <param name="partition">The partition of the enquiry that keeps the event.</param>
    public static TableRow KeptRow(KeptEvent kept, string partition) =>
        new(partition, EnquiryTables.KeptRow(kept.EnquiryId, kept.Number), new Dictionary<string, object?>
        {
            [P.MessageId] = kept.EventId,
            [P.Event] = kept.Event,
        });

    public static KeptEvent ReadKept(string enquiryId, long number, TableRow row)
    {
        var r = new Reader(row);
        return new KeptEvent(enquiryId, number, r.Required(P.MessageId), r.Required(P.Event));
    }

    /// <param name="partition">The partition of the enquiry the event went to.</param>
    public static TableRow HistoryRow(HistoryEvent history, string partition) =>
        new(partition, EnquiryTables.HistoryRow(history.EnquiryId, history.Number), new Dictionary<string, object?>
        {
            [P.MessageId] = history.EventId,
            [P.Event] = history.Event,
            [P.ReceivedAt] = history.ReceivedAt,
        });

    public static HistoryEvent ReadHistory(string enquiryId, long number, TableRow row)
    {
        var r = new Reader(row);
        return new HistoryEvent(enquiryId, number, r.Required(P.MessageId), r.Required(P.Event), r.Time(P.ReceivedAt) ?? throw r.Missing(P.ReceivedAt));
    }

    /// <summary>
    /// The partition of an enquiry: its conversation's. For enquiries opened since the conversations table,
    /// also the one its id names; those carried over from earlier versions keep ids that name another.
    /// </summary>
    public static string PartitionOf(StoredEnquiry enquiry) => EnquiryTables.Partition(enquiry.ChannelId, enquiry.Enquiry.SourceId);

    /// <summary>A string property holds at most 32,768 characters.</summary>
    public static string TableText(string text) => text.Length <= TableRules.MaxStringLength ? text : text[..(TableRules.MaxStringLength - 1)] + "…";

    /// <summary>Reads properties written by the connector or typed in the portal (a time as a String too).</summary>
    internal readonly struct Reader(TableRow row, string table = EnquiryTables.Conversations)
    {
        public string? Text(string property) => row.Properties.GetValueOrDefault(property) switch
        {
            null => null,
            string { Length: 0 } => null,
            string text => text,
            var other => throw Wrong(property, $"must be a String (got {other.GetType().Name})"),
        };

        public string Required(string property) => Text(property) ?? throw Missing(property);

        public DateTimeOffset? Time(string property) => row.Properties.GetValueOrDefault(property) switch
        {
            null => null,
            DateTimeOffset at => at,
            string { Length: 0 } => null,
            string text when DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) => at,
            var other => throw Wrong(property, $"must be a DateTime (got '{other}')"),
        };

        public long? Number(string property, long max) => row.Properties.GetValueOrDefault(property) switch
        {
            null => null,
            int n when n >= 0 => n,
            long n when n >= 0 && n <= max => n,
            string { Length: 0 } => null,
            string text when long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= max => n,
            var other => throw Wrong(property, $"must be a whole number from 0 (got '{other}')"),
        };

        public bool? Flag(string property) => row.Properties.GetValueOrDefault(property) switch
        {
            null => null,
            bool flag => flag,
            string { Length: 0 } => null,
            string text when bool.TryParse(text, out var flag) => flag,
            var other => throw Wrong(property, $"must be a Boolean, true or false (got '{other}')"),
        };

        public T? Word<T>(string property, EnumText<T> words)
            where T : struct, Enum =>
            Text(property) is not { } text ? null
            : words.TryParse(text, out var value) ? value
            : throw Wrong(property, $"must be {words.Choices} (got '{text}')");

        public IReadOnlyList<EnquiryMove> Moves(string property)
        {
            try
            {
                return Text(property) is { } text ? EnquiryMove.Parse(text) : [];
            }
            catch (System.Text.Json.JsonException e)
            {
                throw Wrong(property, $"must be the JSON list of moves the connector writes ({e.Message})");
            }
        }

        public EnquiryRowException Missing(string property) => Wrong(property, "is required");

        public EnquiryRowException Wrong(string property, string message) => new(table, row.PartitionKey, row.RowKey, property, message);
    }
}
