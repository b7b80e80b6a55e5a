using System.Globalization;
using LineConnector.Core.Channels;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Storage;

namespace LineConnector.Core.Privacy;

/// <summary>
/// Enforces each channel's <see cref="DataProtectionSettings.RetentionDays"/>: deletes enquiries closed
/// before the cut-off with their content and kept rows, and records of events handled before it; in the
/// enquiry tables of earlier versions, enquiries closed before the cut-off with their content, and records of events handled before it. Run by
/// the <c>DataRetention</c> timer function (<see cref="Schedule"/>), and on the same schedule in local mode.
/// </summary>
public sealed class RetentionSweep(ITableStore store, ChannelRepository channels, TimeProvider clock)
{
    /// <summary>Every day at 03:00 UTC, as the NCRONTAB of the function's <c>function.json</c> (seconds first).</summary>
    public const string Schedule = "0 0 3 * * *";

    public static readonly TimeOnly At = new(3, 0);

    /// <summary>When the sweep runs next after <paramref name="now"/>.</summary>
    public static DateTimeOffset Next(DateTimeOffset now)
    {
        var today = new DateTimeOffset(now.UtcDateTime.Date + At.ToTimeSpan(), TimeSpan.Zero);
        return today > now ? today : today.AddDays(1);
    }

    /// <summary>Sweeps every channel with a retention; returns what was deleted per channel.</summary>
    public async Task<IReadOnlyDictionary<string, DeletedRows>> SweepAsync(CancellationToken cancellationToken)
    {
        var swept = new Dictionary<string, DeletedRows>(StringComparer.Ordinal);
        var listing = await channels.ListAsync(cancellationToken);
        foreach (var summary in listing.Channels)
        {
            StoredChannel? stored;
            try
            {
                stored = await channels.GetAsync(summary.Id, cancellationToken);
            }
            catch (ChannelConfigurationException)
            {
                // A channel that cannot be read has no retention the sweep can know; the admin API names what to fix.
                continue;
            }

            if (stored?.Channel is { Settings.DataProtection.RetentionDays: { } days } channel)
            {
                swept[channel.Id] = await SweepAsync(channel.Id, clock.GetUtcNow().AddDays(-days), cancellationToken);
            }
        }

        return swept;
    }

    /// <summary>Deletes the channel's closed enquiries and event records older than <paramref name="cutoff"/>.</summary>
    public async Task<DeletedRows> SweepAsync(string channelId, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await store.CreateTableIfNotExistsAsync(EnquiryTables.Conversations, cancellationToken);
        var deleted = DeletedRows.None;
        var partition = new List<TableRow>();
        string? current = null;
        await foreach (var row in store.QueryAsync(EnquiryTables.Conversations, EnquiryTables.Channel(channelId), null, cancellationToken))
        {
            if (current is not null && row.PartitionKey != current)
            {
                deleted += await SweepPartitionAsync(partition, cutoff, cancellationToken);
                partition.Clear();
            }

            current = row.PartitionKey;
            partition.Add(row);
        }

        deleted += await SweepPartitionAsync(partition, cutoff, cancellationToken);

        // Conversations not yet carried over to the conversations table (EarlierEnquiryTables): closed enquiries and their content, event records.
        return deleted + await ConversationRows.DeleteEarlierAsync(store, channelId, r => ClosedBefore(r, cutoff), _ => false, r => HandledBefore(r, cutoff), cancellationToken);
    }

    private async Task<DeletedRows> SweepPartitionAsync(List<TableRow> partition, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var closed = partition.Where(r => r.RowKey.StartsWith(ConversationRows.EnquiryPrefix, StringComparison.Ordinal) && ClosedBefore(r, cutoff)).ToList();
        var ids = closed.Select(r => r.RowKey[ConversationRows.EnquiryPrefix.Length..]).ToHashSet(StringComparer.Ordinal);
        var events = partition.Where(r => r.RowKey.StartsWith(ConversationRows.EventPrefix, StringComparison.Ordinal) && HandledBefore(r, cutoff));
        var rows = closed.Concat(events).Concat(ConversationRows.BelongingTo(partition, ids)).ToList();
        return rows.Count == 0 ? DeletedRows.None : await ConversationRows.DeleteAsync(store, EnquiryTables.Conversations, rows, cancellationToken);
    }

    private static bool ClosedBefore(TableRow enquiry, DateTimeOffset cutoff) =>
        Text(enquiry, EnquiryProperties.State) == EnquiryTexts.State.Format(EnquiryState.Closed)
        && Time(enquiry, EnquiryProperties.ClosedAt) is { } closedAt && closedAt < cutoff;

    private static bool HandledBefore(TableRow record, DateTimeOffset cutoff) => Time(record, EnquiryProperties.ProcessedAt) is { } at && at < cutoff;

    private static string? Text(TableRow row, string property) => row.Properties.GetValueOrDefault(property) as string;

    private static DateTimeOffset? Time(TableRow row, string property) => row.Properties.GetValueOrDefault(property) switch
    {
        DateTimeOffset at => at,
        string text when DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) => at,
        _ => null,
    };
}
