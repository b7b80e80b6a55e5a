using System.Collections.Concurrent;
using System.Globalization;
using LineConnector.Core.Line.Api;
using LineConnector.Core.Telemetry;

namespace LineConnector.Core.Cost;

/// <summary>
/// Watches each channel's monthly message quota (DESIGN §5, LINE's own features): LINE's limit and the
/// month's consumption (<c>GET /v2/bot/message/quota</c>, <c>/quota/consumption</c>), read at most once per
/// <see cref="QuotaWatchOptions.RefreshInterval"/> per channel and kept in memory. Past
/// <see cref="QuotaWatchOptions.WarningShare"/> of the limit the status carries a warning, which goes into
/// delivery reports and the log, and the share is exported as a metric. LINE failing to answer is a note:
/// the last status read stays, and LINE is not asked again before the interval has passed.
/// </summary>
public sealed class QuotaWatch
{
    private readonly LineApiClient _line;
    private readonly QuotaWatchOptions _options;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public QuotaWatch(LineApiClient line, QuotaWatchOptions options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        options.Validate();
        _line = line;
        _options = options;
        _clock = clock;
    }

    /// <summary>The channel's quota status, read from LINE when the last read is older than the interval; null when LINE never answered.</summary>
    public async Task<QuotaStatus?> GetAsync(string channelId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(channelId);
        var now = _clock.GetUtcNow();
        var entry = _entries.GetOrAdd(channelId, _ => new Entry());
        if (entry.TriedAt is { } tried && now - tried < _options.RefreshInterval)
        {
            return entry.Status;
        }

        // One read per channel at a time; the others take the last status.
        if (!await entry.Gate.WaitAsync(0, cancellationToken))
        {
            return entry.Status;
        }

        try
        {
            entry.TriedAt = now;
            var quota = await _line.GetMessageQuotaAsync(channelId, cancellationToken);
            entry.Status = new QuotaStatus(quota, now, Warning(quota), null);
            if (quota.UsedShare is { } share)
            {
                ConnectorMetrics.QuotaRead(channelId, share);
            }
        }
        catch (Exception e) when (e is LineApiException or DomainException { Error: DomainError.Misconfigured })
        {
            entry.Status = entry.Status is { } last
                ? last with { Note = $"LINE did not answer the last read ({e.Message})" }
                : new QuotaStatus(null, now, null, $"LINE did not answer ({e.Message})");
        }
        finally
        {
            entry.Gate.Release();
        }

        return entry.Status;
    }

    private string? Warning(MessageQuota quota) =>
        quota.UsedShare is { } share && share >= _options.WarningShare
            ? string.Create(CultureInfo.InvariantCulture, $"the channel has used {quota.TotalUsage:N0} of its {quota.Limit:N0} messages this month ({share * 100:0}%): pushes fail once the limit is reached; replies within a minute stay free")
            : null;

    private sealed class Entry
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public DateTimeOffset? TriedAt { get; set; }

        public QuotaStatus? Status { get; set; }
    }
}

/// <summary>A channel's quota as last read from LINE.</summary>
/// <param name="Quota">The limit and the month's usage; null when LINE never answered.</param>
/// <param name="ReadAt">When LINE was last asked.</param>
/// <param name="Warning">Set once the usage passed the warning share of the limit.</param>
/// <param name="Note">Why the status may be old: LINE did not answer the last read.</param>
public sealed record QuotaStatus(MessageQuota? Quota, DateTimeOffset ReadAt, string? Warning, string? Note);
