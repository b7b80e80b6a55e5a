using LineConnector.Core.Storage;

namespace LineConnector.Core.Channels;

/// <summary>A channel as stored, with the ETag of its row (optimistic concurrency).</summary>
public sealed record StoredChannel(Channel Channel, string ETag);

/// <summary>Every channel row: those that read, and those that do not, with what is wrong.</summary>
public sealed record ChannelListing(IReadOnlyList<ChannelSummary> Channels, IReadOnlyList<ChannelConfigurationException> Unreadable);

/// <summary>
/// Channels in Table Storage (<see cref="ChannelTables"/>). The channel row carries the ETag: an
/// update replaces it only if it is unchanged, then rewrites the channel's destination and
/// routing rows (Table Storage has no transaction across tables; a failure between the two leaves
/// rows that the next read reports and the next update rewrites). Store failures surface as
/// <see cref="TableStoreException"/>.
/// </summary>
public sealed class ChannelRepository(ITableStore store)
{
    private Task? _tablesReady;

    public async Task<StoredChannel?> GetAsync(string channelId, CancellationToken cancellationToken)
    {
        await EnsureTablesAsync(cancellationToken);
        var row = await store.GetAsync(ChannelTables.Channels, ChannelTables.ChannelPartition, channelId, cancellationToken);
        if (row is null)
        {
            return null;
        }

        var destinations = await ReadPartitionAsync(ChannelTables.Destinations, channelId, cancellationToken);
        var routing = await ReadPartitionAsync(ChannelTables.Routing, channelId, cancellationToken);
        return new StoredChannel(ChannelEntities.Read(row, destinations, routing), row.ETag!);
    }

    /// <summary>The channel row alone (no destinations or routing); null when there is none.</summary>
    public async Task<ChannelSummary?> GetSummaryAsync(string channelId, CancellationToken cancellationToken)
    {
        await EnsureTablesAsync(cancellationToken);
        var row = await store.GetAsync(ChannelTables.Channels, ChannelTables.ChannelPartition, channelId, cancellationToken);
        return row is null ? null : ChannelEntities.ReadSummary(row);
    }

    public async Task<ChannelListing> ListAsync(CancellationToken cancellationToken)
    {
        await EnsureTablesAsync(cancellationToken);
        List<ChannelSummary> channels = [];
        List<ChannelConfigurationException> unreadable = [];
        await foreach (var row in store.QueryPartitionAsync(ChannelTables.Channels, ChannelTables.ChannelPartition, cancellationToken))
        {
            try
            {
                channels.Add(ChannelEntities.ReadSummary(row));
            }
            catch (ChannelConfigurationException e)
            {
                unreadable.Add(e);
            }
        }

        return new ChannelListing(channels, unreadable);
    }

    /// <summary>Adds a channel; an existing one with the same id (even deleted) is a conflict. Returns the ETag.</summary>
    public async Task<string> CreateAsync(Channel channel, CancellationToken cancellationToken)
    {
        await EnsureTablesAsync(cancellationToken);
        string etag;
        try
        {
            etag = await store.InsertAsync(ChannelTables.Channels, ChannelEntities.ChannelRow(channel), cancellationToken);
        }
        catch (TableStoreException e) when (e.Status == 409)
        {
            throw new DomainException(DomainError.Conflict, $"A channel with id '{channel.Id}' already exists (deleted channels keep their id).");
        }

        await WriteChildRowsAsync(channel.Id, channel.Settings, cancellationToken);
        return etag;
    }

    /// <summary>Replaces the settings of a channel whose row still has ETag <paramref name="ifMatch"/>. Returns the new ETag.</summary>
    /// <param name="check">Sees the stored channel first and may refuse the update by throwing.</param>
    public Task<string> UpdateSettingsAsync(string channelId, ChannelSettings settings, string ifMatch, Func<Channel, Channel> check, CancellationToken cancellationToken) =>
        ApplyAsync(channelId, ifMatch, current => check(current) with { Settings = settings }, rewriteChildren: true, cancellationToken);

    /// <summary>Changes the channel row (status, LINE account) of a channel whose row still has ETag <paramref name="ifMatch"/> ("*": any). Returns the new ETag.</summary>
    public Task<string> ChangeAsync(string channelId, string ifMatch, Func<Channel, Channel> change, CancellationToken cancellationToken) =>
        ApplyAsync(channelId, ifMatch, change, rewriteChildren: false, cancellationToken);

    /// <summary>
    /// Records that <paramref name="key"/> (a LINE bot user id, or a secret name) belongs to
    /// <paramref name="channelId"/>. Insert-only: of two channels claiming one key, exactly one wins.
    /// Returns null when this call made the claim, else the channel that already holds the key
    /// (which may be <paramref name="channelId"/> itself).
    /// </summary>
    public async Task<string?> TryClaimAsync(string partition, string key, string channelId, CancellationToken cancellationToken)
    {
        await EnsureTablesAsync(cancellationToken);
        var row = new TableRow(partition, key, new Dictionary<string, object?> { [ChannelProperties.ChannelId] = channelId });
        try
        {
            await store.InsertAsync(ChannelTables.Claims, row, cancellationToken);
            return null;
        }
        catch (TableStoreException e) when (e.Status == 409)
        {
            var holder = await store.GetAsync(ChannelTables.Claims, partition, key, cancellationToken);
            return holder?.Properties.GetValueOrDefault(ChannelProperties.ChannelId) as string
                ?? throw new DomainException(DomainError.Conflict, $"'{key}' is being claimed by another channel at this moment; try again.");
        }
    }

    /// <summary>Gives up <paramref name="channelId"/>'s claim on <paramref name="key"/>; another channel's claim is left alone.</summary>
    public async Task ReleaseAsync(string partition, string key, string channelId, CancellationToken cancellationToken)
    {
        await EnsureTablesAsync(cancellationToken);
        var row = await store.GetAsync(ChannelTables.Claims, partition, key, cancellationToken);
        if (row is null || !Equals(row.Properties.GetValueOrDefault(ChannelProperties.ChannelId), channelId))
        {
            return;
        }

        try
        {
            await store.DeleteAsync(ChannelTables.Claims, partition, key, row.ETag ?? "*", cancellationToken);
        }
        catch (TableStoreException e) when (e.Status is 404 or 412)
        {
            // Released or re-claimed meanwhile: nothing of ours is left to remove.
        }
    }

    /// <summary>Removes a channel and its rows for good (undoing a create that could not finish).</summary>
    public async Task RemoveAsync(string channelId, CancellationToken cancellationToken)
    {
        await EnsureTablesAsync(cancellationToken);
        foreach (var table in new[] { ChannelTables.Destinations, ChannelTables.Routing })
        {
            foreach (var row in await ReadPartitionAsync(table, channelId, cancellationToken))
            {
                await DeleteIfPresentAsync(table, row.PartitionKey, row.RowKey, cancellationToken);
            }
        }

        await DeleteIfPresentAsync(ChannelTables.Channels, ChannelTables.ChannelPartition, channelId, cancellationToken);
    }

    private async Task<string> ApplyAsync(string channelId, string ifMatch, Func<Channel, Channel> change, bool rewriteChildren, CancellationToken cancellationToken)
    {
        var current = await GetAsync(channelId, cancellationToken)
            ?? throw new DomainException(DomainError.NotFound, $"There is no channel '{channelId}'.", title: "No such channel");
        if (ifMatch != "*" && ifMatch != current.ETag)
        {
            throw StaleETag(channelId);
        }

        var changed = change(current.Channel);
        string etag;
        try
        {
            etag = await store.ReplaceAsync(ChannelTables.Channels, ChannelEntities.ChannelRow(changed), current.ETag, cancellationToken);
        }
        catch (TableStoreException e) when (e.Status == 412)
        {
            throw StaleETag(channelId);
        }

        if (rewriteChildren)
        {
            await WriteChildRowsAsync(channelId, changed.Settings, cancellationToken);
        }

        return etag;
    }

    private static DomainException StaleETag(string channelId) =>
        new(DomainError.PreconditionFailed, $"Channel '{channelId}' was changed since it was read (its ETag differs): read it again and reapply the change.", title: "The channel has changed");

    private async Task WriteChildRowsAsync(string channelId, ChannelSettings settings, CancellationToken cancellationToken)
    {
        await ReplacePartitionAsync(ChannelTables.Destinations, channelId, ChannelEntities.DestinationRows(channelId, settings).ToList(), cancellationToken);
        await ReplacePartitionAsync(ChannelTables.Routing, channelId, ChannelEntities.RoutingRows(channelId, settings).ToList(), cancellationToken);
    }

    private async Task ReplacePartitionAsync(string table, string channelId, List<TableRow> rows, CancellationToken cancellationToken)
    {
        var wanted = rows.Select(r => r.RowKey).ToHashSet(StringComparer.Ordinal);
        foreach (var old in await ReadPartitionAsync(table, channelId, cancellationToken))
        {
            if (!wanted.Contains(old.RowKey))
            {
                await DeleteIfPresentAsync(table, channelId, old.RowKey, cancellationToken);
            }
        }

        foreach (var row in rows)
        {
            await store.UpsertAsync(table, row, cancellationToken);
        }
    }

    private async Task DeleteIfPresentAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        try
        {
            await store.DeleteAsync(table, partitionKey, rowKey, "*", cancellationToken);
        }
        catch (TableStoreException e) when (e.Status == 404)
        {
            // Already gone.
        }
    }

    private async Task<List<TableRow>> ReadPartitionAsync(string table, string partitionKey, CancellationToken cancellationToken)
    {
        List<TableRow> rows = [];
        await foreach (var row in store.QueryPartitionAsync(table, partitionKey, cancellationToken))
        {
            rows.Add(row);
        }

        return rows;
    }

    private Task EnsureTablesAsync(CancellationToken cancellationToken)
    {
        var ready = _tablesReady;
        if (ready is null || ready.IsFaulted || ready.IsCanceled)
        {
            ready = _tablesReady = CreateTablesAsync(cancellationToken);
        }

        return ready;
    }

    private async Task CreateTablesAsync(CancellationToken cancellationToken)
    {
        foreach (var table in ChannelTables.All)
        {
            await store.CreateTableIfNotExistsAsync(table, cancellationToken);
        }
    }
}
