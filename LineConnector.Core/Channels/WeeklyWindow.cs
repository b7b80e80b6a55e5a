using System.Globalization;
using System.Text.Json.Serialization;

namespace LineConnector.Core.Channels;

/// <summary>
/// A weekly stretch of wall-clock time: on each of <see cref="Days"/>, from <see cref="From"/>
/// (inclusive) to <see cref="To"/> (exclusive), in the channel's time zone. When To is not after From
/// the window runs overnight and belongs to the day it starts: Friday 22:00–06:00 covers Friday night
/// into Saturday morning, not Saturday night. 00:00 as To means midnight at the end of the day, and a
/// window whose To equals its From lasts 24 hours.
/// </summary>
/// <remarks>
/// The window is judged on the local wall clock, which is what a business means by opening hours.
/// On a daylight-saving change: a window that starts inside the skipped hour starts when the clocks jump
/// (a window wholly inside it does not occur that day), one that ends inside it ends at the jump; a wall
/// time that occurs twice (clocks going back) is inside the window both times.
/// A destination's schedule is read as one window per day and range (<see cref="WeeklySchedule.Windows"/>);
/// a time rule's windows are <see cref="TimeWindow"/>s.
/// </remarks>
public record WeeklyWindow(
    [property: JsonRequired, JsonConverter(typeof(DayListJson))] IReadOnlyList<DayOfWeek> Days,
    [property: JsonRequired, JsonConverter(typeof(HourMinuteJson))] TimeOnly From,
    [property: JsonRequired, JsonConverter(typeof(HourMinuteJson))] TimeOnly To)
{
    private static readonly DayOfWeek[] WeekOrder =
    [
        DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday,
        DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday,
    ];

    /// <summary>How long the window lasts on the wall clock: up to 24 hours.</summary>
    [JsonIgnore]
    public TimeSpan Length
    {
        get
        {
            var ticks = To.Ticks - From.Ticks;
            return TimeSpan.FromTicks(ticks > 0 ? ticks : ticks + TimeSpan.TicksPerDay);
        }
    }

    [JsonIgnore]
    public bool IsOvernight => To <= From && To != TimeOnly.MinValue;

    /// <summary>Whether a local wall-clock time (in the channel's zone) falls in the window.</summary>
    public bool Contains(DateTime localTime)
    {
        var date = DateOnly.FromDateTime(localTime);
        var length = Length;

        // The window that contains the time started today or, running overnight, yesterday.
        for (var daysBack = 0; daysBack <= 1; daysBack++)
        {
            var day = date.AddDays(-daysBack);
            if (!Days.Contains(day.DayOfWeek))
            {
                continue;
            }

            var start = day.ToDateTime(From);
            if (localTime >= start && localTime - start < length)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether an instant falls in the window, judged on the wall clock of <paramref name="zone"/>.</summary>
    public bool Contains(DateTimeOffset at, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return Contains(TimeZoneInfo.ConvertTime(at, zone).DateTime);
    }

    /// <summary>Builds a window from HH:MM texts; <paramref name="to"/> may also be 24:00 (midnight at the end of the day).</summary>
    /// <exception cref="FormatException">A time is not HH:MM.</exception>
    public static WeeklyWindow Parse(IReadOnlyList<DayOfWeek> days, string from, string to) =>
        new(days, ParseTime(from, nameof(from), allowEndOfDay: false), ParseTime(to, nameof(to), allowEndOfDay: true));

    /// <summary>"Mon Tue Wed Thu Fri 09:00–17:00", "Fri 22:00–06:00 (overnight)".</summary>
    public sealed override string ToString()
    {
        var days = Days is null ? "" : string.Join(' ', WeekOrder.Where(Days.Contains).Select(d => DateTimeFormatInfo.InvariantInfo.AbbreviatedDayNames[(int)d]));
        var to = To == TimeOnly.MinValue ? "24:00" : HourMinute.Format(To);
        var text = $"{days} {HourMinute.Format(From)}–{to}";
        return IsOvernight ? text + " (overnight)" : text;
    }

    private static TimeOnly ParseTime(string? text, string name, bool allowEndOfDay)
    {
        if (allowEndOfDay && text == "24:00")
        {
            return TimeOnly.MinValue;
        }

        if (HourMinute.TryParse(text, out var time))
        {
            return time;
        }

        var range = allowEndOfDay ? "00:00 to 24:00" : "00:00 to 23:59";
        throw new FormatException($"The window's '{name}' time '{text}' is not HH:MM ({range}).");
    }
}
