using System.Collections.Concurrent;

namespace LineConnector.Core.Channels;

/// <summary>
/// Channels read recently, kept for <see cref="Duration"/> so that neither a busy webhook (LINE waits
/// 1-2 s; the target is a p99 under 50 ms) nor the handling of every message and reply reads Table
/// Storage each time. The webhook needs the channel row (<see cref="GetSummaryAsync"/>); enquiries
/// need the whole channel with its destinations and routing (<see cref="GetAsync"/>), which answers
/// for the row too. Unknown channels are not kept, so a new channel is found at once. Admin writes
/// forget the channel at once on this instance; other instances see a change within <see cref="Duration"/>.
/// </summary>
public sealed class ChannelCache(ChannelRepository repository, TimeProvider clock)
{
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The channel row; <paramref name="reread"/> reads it again whatever is kept (a signature or destination did not match).</summary>
    public async ValueTask<ChannelSummary?> GetSummaryAsync(string channelId, bool reread, CancellationToken cancellationToken)
    {
        if (!reread && Fresh(channelId) is { } entry)
        {
            return entry.Summary;
        }

        var summary = await repository.GetSummaryAsync(channelId, cancellationToken);
        Keep(channelId, summary is null ? null : new Entry(summary, null, clock.GetUtcNow()));
        return summary;
    }

    /// <summary>The whole channel; <see cref="ChannelConfigurationException"/> when a row cannot be read (nothing is kept then).</summary>
    public async ValueTask<StoredChannel?> GetAsync(string channelId, CancellationToken cancellationToken)
    {
        if (Fresh(channelId) is { Channel: { } cached })
        {
            return cached;
        }

        var channel = await repository.GetAsync(channelId, cancellationToken);
        Keep(channelId, channel is null ? null : new Entry(Summary(channel), channel, clock.GetUtcNow()));
        return channel;
    }

    public void Forget(string channelId) => _entries.TryRemove(channelId, out _);

    private Entry? Fresh(string channelId) =>
        _entries.TryGetValue(channelId, out var entry) && clock.GetUtcNow() - entry.ReadAt < Duration ? entry : null;

    private void Keep(string channelId, Entry? entry)
    {
        if (entry is null)
        {
            _entries.TryRemove(channelId, out _);
        }
        else
        {
            _entries[channelId] = entry;
        }
    }

    private static ChannelSummary Summary(StoredChannel stored) =>
        new(stored.Channel.Id, stored.Channel.Settings.Name, stored.Channel.Status, stored.Channel.LineChannelId, stored.Channel.BotUserId, stored.ETag);

    private sealed record Entry(ChannelSummary Summary, StoredChannel? Channel, DateTimeOffset ReadAt);
}
