using LineConnector.Core.Channels;

namespace LineConnector.Core.Enquiries;

/// <summary>
/// When a missed enquiry without a destination is offered to the routing rule again (DESIGN §6:
/// missed enquiries are offered again until a destination takes them): after a back-off that starts at
/// <see cref="EnquiryOptions.OfferAgainAfter"/> and doubles with each offer that found nobody, up to
/// <see cref="EnquiryOptions.OfferAgainAtMost"/>, or as soon as one of the channel's windows opens (a
/// destination's schedule, a time rule's window), whichever comes first. A destination that becomes
/// present is offered the channel's missed enquiries at once, through the presence API.
/// </summary>
public sealed class OfferSchedule
{
    private readonly TimeSpan _first;
    private readonly TimeSpan _most;
    private readonly IReadOnlyList<WeeklyWindow> _windows;
    private readonly TimeZoneInfo _zone;

    /// <param name="windows">Every window whose opening may make a destination available, in <paramref name="zone"/>.</param>
    public OfferSchedule(EnquiryOptions options, IReadOnlyList<WeeklyWindow> windows, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(zone);
        if (options.OfferAgainAfter <= TimeSpan.Zero || options.OfferAgainAtMost < options.OfferAgainAfter)
        {
            throw new ArgumentException(
                $"Enquiries:OfferAgainAfter must be positive and Enquiries:OfferAgainAtMost at least as long (got {options.OfferAgainAfter} and {options.OfferAgainAtMost}).",
                nameof(options));
        }

        _first = options.OfferAgainAfter;
        _most = options.OfferAgainAtMost;
        _windows = windows;
        _zone = zone;
    }

    public static OfferSchedule Default { get; } = new(new EnquiryOptions(), [], TimeZoneInfo.Utc);

    /// <summary>The next offer after <paramref name="now"/>, when <paramref name="offers"/> offers have found nobody so far.</summary>
    public DateTimeOffset Next(DateTimeOffset now, int offers)
    {
        var wait = _first;
        for (var i = 0; i < offers && wait < _most; i++)
        {
            wait *= 2;
        }

        var backedOff = now + (wait < _most ? wait : _most);
        var opening = FirstOpening(now);
        return opening is { } at && at < backedOff ? at : backedOff;
    }

    /// <summary>The first time after <paramref name="now"/> that a window starts, within a week; null without windows.</summary>
    private DateTimeOffset? FirstOpening(DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, _zone).DateTime);
        DateTimeOffset? first = null;
        for (var day = 0; day <= 7; day++)
        {
            var date = today.AddDays(day);
            foreach (var window in _windows.Where(w => w.Days.Contains(date.DayOfWeek)))
            {
                var start = Instant(date.ToDateTime(window.From));
                if (start > now && (first is null || start < first))
                {
                    first = start;
                }
            }
        }

        return first;
    }

    /// <summary>A wall-clock time in the zone as an instant; one in a skipped hour is when the clocks jump (as <see cref="WeeklyWindow"/> reads it).</summary>
    private DateTimeOffset Instant(DateTime local)
    {
        while (_zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(1);
        }

        return new DateTimeOffset(local, _zone.GetUtcOffset(local)).ToUniversalTime();
    }
}
