using System.Collections.Concurrent;

namespace LineConnector.Core.Channels;

/// <summary>
/// Channel rows the webhook read recently, kept for <see cref="Duration"/> so that a busy webhook
/// does not read Table Storage on every request (LINE waits 1-2 s; the target is a p99 under 50 ms).
/// Admin writes forget the channel at once on this instance; other instances see a change within
/// <see cref="Duration"/>, or at once when a signature or destination no longer matches.
/// </summary>
public sealed class ChannelSummaryCache(TimeProvider clock)
{
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, (ChannelSummary Summary, DateTimeOffset ReadAt)> _summaries = new(StringComparer.Ordinal);

    public bool TryGet(string channelId, out ChannelSummary summary)
    {
        if (_summaries.TryGetValue(channelId, out var cached) && clock.GetUtcNow() - cached.ReadAt < Duration)
        {
            summary = cached.Summary;
            return true;
        }

        summary = null!;
        return false;
    }

    public void Remember(ChannelSummary summary) => _summaries[summary.Id] = (summary, clock.GetUtcNow());

    public void Forget(string channelId) => _summaries.TryRemove(channelId, out _);
}
