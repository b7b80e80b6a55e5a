using System.Collections.Concurrent;
using LineConnector.Core.Routing;
using LineConnector.Core.Storage;
using P = LineConnector.Core.Enquiries.EnquiryProperties;

namespace LineConnector.Core.Enquiries;

/// <summary>A change of presence: the destination's own (null: unchanged) and its staff members'.</summary>
public sealed record PresenceUpdate(string DestinationId, bool? Available, IReadOnlyList<StaffPresence> Staff);

public sealed record StaffPresence(string StaffMemberId, bool Available);

/// <summary>
/// Destinations' and staff members' presence in <see cref="EnquiryTables.Presence"/>: row key = the
/// destination id for the destination, <c>{destination id}:{staff member id}</c> for a staff member
/// (a destination id never holds ':'); property <c>Available</c>. A destination without a row is
/// present; a staff member without one is not available.
/// </summary>
/// <remarks>
/// Routing a new enquiry reads the channel's presence partition, so a campaign that opens thousands of
/// enquiries a second would read one partition thousands of times a second (Table Storage serves about
/// 2,000 entities a second per partition). <see cref="GetRecentAsync"/> keeps a read for
/// <see cref="RecentFor"/> per instance; a change through this instance is seen at once, through another
/// within that time.
/// </remarks>
public sealed class PresenceStore(ITableStore store, TimeProvider clock)
{
    public const char StaffSeparator = ':';

    /// <summary>How long a presence read serves routing on this instance.</summary>
    public static readonly TimeSpan RecentFor = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, (IReadOnlyDictionary<string, DestinationPresence> Presence, DateTimeOffset ReadAt)> _recent = new(StringComparer.Ordinal);
    private Task? _tablesReady;

    /// <summary>The channel's presence as read within <see cref="RecentFor"/> on this instance, else read now.</summary>
    public async Task<IReadOnlyDictionary<string, DestinationPresence>> GetRecentAsync(string channelId, CancellationToken cancellationToken) =>
        _recent.TryGetValue(channelId, out var recent) && clock.GetUtcNow() - recent.ReadAt < RecentFor
            ? recent.Presence
            : await GetAsync(channelId, cancellationToken);

    /// <summary>The presence of every destination of the channel that has any presence row, read now.</summary>
    public async Task<IReadOnlyDictionary<string, DestinationPresence>> GetAsync(string channelId, CancellationToken cancellationToken)
    {
        await TableSetup.EnsureAsync(store, ref _tablesReady, cancellationToken);
        var present = new Dictionary<string, bool>(StringComparer.Ordinal);
        var staff = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        await foreach (var row in store.QueryPartitionAsync(EnquiryTables.Presence, channelId, cancellationToken))
        {
            var available = new EnquiryEntities.Reader(row, EnquiryTables.Presence).Flag(P.Available)
                ?? throw new EnquiryRowException(EnquiryTables.Presence, row.PartitionKey, row.RowKey, P.Available, "is required: true or false");
            var at = row.RowKey.IndexOf(StaffSeparator, StringComparison.Ordinal);
            if (at < 0)
            {
                present[row.RowKey] = available;
                continue;
            }

            var destination = row.RowKey[..at];
            if (!staff.TryGetValue(destination, out var members))
            {
                staff[destination] = members = new HashSet<string>(StringComparer.Ordinal);
            }

            if (available)
            {
                members.Add(row.RowKey[(at + 1)..]);
            }
        }

        var read = present.Keys.Union(staff.Keys).ToDictionary(
            id => id,
            id => new DestinationPresence(id, present.GetValueOrDefault(id, true), staff.GetValueOrDefault(id) ?? new HashSet<string>(StringComparer.Ordinal)),
            StringComparer.Ordinal);
        _recent[channelId] = (read, clock.GetUtcNow());
        return read;
    }

    public async Task SetAsync(string channelId, PresenceUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        await TableSetup.EnsureAsync(store, ref _tablesReady, cancellationToken);
        _recent.TryRemove(channelId, out _);
        var now = clock.GetUtcNow();
        if (update.Available is { } available)
        {
            await store.UpsertAsync(EnquiryTables.Presence, Row(channelId, update.DestinationId, available, now), cancellationToken);
        }

        foreach (var member in update.Staff)
        {
            await store.UpsertAsync(EnquiryTables.Presence, Row(channelId, update.DestinationId + StaffSeparator + member.StaffMemberId, member.Available, now), cancellationToken);
        }
    }

    private static TableRow Row(string channelId, string rowKey, bool available, DateTimeOffset at) =>
        new(channelId, rowKey, new Dictionary<string, object?> { [P.Available] = available, [P.UpdatedAt] = at });
}
