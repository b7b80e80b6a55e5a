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

/// <summary>Enquiry rows to and from flat Table properties: states as words, times as DateTime.</summary>
internal static class EnquiryEntities
{
    public static TableRow EnquiryRow(StoredEnquiry stored)
    {
        var e = stored.Enquiry;
        return new TableRow(stored.ChannelId, e.Id, new Dictionary<string, object?>
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
            [P.ReplyToken] = stored.LatestReply?.Token,
            [P.ReplyTokenReceivedAt] = stored.LatestReply?.WebhookReceivedAt,
            [P.PendingCause] = stored.Pending?.Cause,
            [P.PendingEffects] = stored.Pending is { } pending ? EffectText.Format(pending.Effects) : null,
        }, stored.ETag);
    }

    public static StoredEnquiry ReadEnquiry(TableRow row)
    {
        var r = new Reader(EnquiryTables.Enquiries, row);
        var enquiry = new Enquiry
        {
            Id = row.RowKey,
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
            ChannelId = row.PartitionKey,
            Enquiry = enquiry,
            SourceType = r.Required(P.SourceType),
            StaffName = first is null ? null : new StaffName(first, r.Text(P.StaffLastName)),
            OpenedByEventId = r.Text(P.OpenedByEventId),
            LatestReply = token is not null && tokenAt is { } at ? new OutboundReply(token, at) : null,
            Pending = pending,
            ETag = row.ETag,
        };
    }

    public static TableRow SourceRow(SourceRecord source) =>
        new(source.ChannelId, source.SourceId, new Dictionary<string, object?>
        {
            [P.CurrentEnquiryId] = source.CurrentEnquiryId,
            [P.LastDestinationId] = source.LastService?.DestinationId,
            [P.LastStaffMemberId] = source.LastService?.StaffMemberId,
            [P.LastServedAt] = source.LastService?.ServedAt,
        }, source.ETag);

    public static SourceRecord ReadSource(TableRow row)
    {
        var r = new Reader(EnquiryTables.Sources, row);
        var destination = r.Text(P.LastDestinationId);
        var servedAt = r.Time(P.LastServedAt);
        var last = destination is not null && servedAt is { } at ? new LastService(destination, r.Text(P.LastStaffMemberId), at) : null;
        return new SourceRecord(row.PartitionKey, row.RowKey, r.Text(P.CurrentEnquiryId), last, row.ETag);
    }

    public static TableRow ProcessedRow(ProcessedCause processed) =>
        new(processed.ChannelId, processed.Cause, new Dictionary<string, object?>
        {
            [P.EnquiryId] = processed.EnquiryId,
            [P.EventType] = processed.EventType,
            [P.Outcome] = processed.Outcome,
            [P.Detail] = TableText(processed.Detail),
            [P.ProcessedAt] = processed.ProcessedAt,
        });

    public static ProcessedCause ReadProcessed(TableRow row)
    {
        var r = new Reader(EnquiryTables.Processed, row);
        return new ProcessedCause(
            row.PartitionKey,
            row.RowKey,
            r.Text(P.EnquiryId),
            r.Text(P.EventType) ?? "",
            r.Text(P.Outcome) ?? "",
            r.Text(P.Detail) ?? "",
            r.Time(P.ProcessedAt) ?? throw r.Missing(P.ProcessedAt));
    }

    public static TableRow ContentRow(InboundContent content) =>
        new(content.ChannelId, content.MessageId, new Dictionary<string, object?>
        {
            [P.EnquiryId] = content.EnquiryId,
            [P.Kind] = content.Kind,
        });

    public static InboundContent ReadContent(TableRow row)
    {
        var r = new Reader(EnquiryTables.Content, row);
        return new InboundContent(row.PartitionKey, row.RowKey, r.Required(P.EnquiryId), r.Required(P.Kind));
    }

    /// <summary>A string property holds at most 32,768 characters.</summary>
    public static string TableText(string text) => text.Length <= TableRules.MaxStringLength ? text : text[..(TableRules.MaxStringLength - 1)] + "…";

    /// <summary>Reads properties written by the connector or typed in the portal (a time as a String too).</summary>
    internal readonly struct Reader(string table, TableRow row)
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

        public EnquiryRowException Missing(string property) => Wrong(property, "is required");

        public EnquiryRowException Wrong(string property, string message) => new(table, row.PartitionKey, row.RowKey, property, message);
    }
}
