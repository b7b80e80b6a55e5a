using System.Globalization;

namespace LineConnector.Core.Routing;

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
/// </remarks>
public sealed record WeeklyWindow(IReadOnlyList<DayOfWeek> Days, TimeOnly From, TimeOnly To)
{
    private static readonly DayOfWeek[] WeekOrder =
    [
        DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday,
        DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday,
    ];

    /// <summary>How long the window lasts on the wall clock: up to 24 hours.</summary>
    public TimeSpan Length
    {
        get
        {
            var ticks = To.Ticks - From.Ticks;
            return TimeSpan.FromTicks(ticks > 0 ? ticks : ticks + TimeSpan.TicksPerDay);
        }
    }

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

    /// <summary>Every problem with the window, each naming its field under <paramref name="path"/>.</summary>
    public IReadOnlyList<FieldError> Validate(string path)
    {
        var errors = new List<FieldError>();
        Validate(path, errors);
        return errors;
    }

    internal void Validate(string path, List<FieldError> errors)
    {
        var daysField = RoutingRule.Field(path, "days");
        if (Days is null || Days.Count == 0)
        {
            errors.Add(new FieldError(daysField, "At least one day of the week is required."));
        }
        else
        {
            for (var i = 0; i < Days.Count; i++)
            {
                if (!Enum.IsDefined(Days[i]))
                {
                    errors.Add(new FieldError($"{daysField}[{i}]", $"{(int)Days[i]} is not a day of the week."));
                }
                else if (Days.Take(i).Contains(Days[i]))
                {
                    errors.Add(new FieldError($"{daysField}[{i}]", $"{Days[i]} appears more than once."));
                }
            }
        }

        if (From.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            errors.Add(new FieldError(RoutingRule.Field(path, "from"), "A window starts on a whole minute (HH:MM)."));
        }

        if (To.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            errors.Add(new FieldError(RoutingRule.Field(path, "to"), "A window ends on a whole minute (HH:MM)."));
        }
    }

    /// <summary>"Mon Tue Wed Thu Fri 09:00–17:00", "Fri 22:00–06:00 (overnight)".</summary>
    public override string ToString()
    {
        var days = Days is null ? "" : string.Join(' ', WeekOrder.Where(Days.Contains).Select(d => d.ToString()[..3]));
        var to = To == TimeOnly.MinValue ? "24:00" : To.ToString("HH:mm", CultureInfo.InvariantCulture);
        var text = $"{days} {From.ToString("HH:mm", CultureInfo.InvariantCulture)}–{to}";
        return IsOvernight ? text + " (overnight)" : text;
    }

    private static TimeOnly ParseTime(string? text, string name, bool allowEndOfDay)
    {
        if (allowEndOfDay && text == "24:00")
        {
            return TimeOnly.MinValue;
        }

        if (text is { Length: 5 } && text[2] == ':'
            && TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return time;
        }

        var range = allowEndOfDay ? "00:00 to 24:00" : "00:00 to 23:59";
        throw new FormatException($"The window's '{name}' time '{text}' is not HH:MM ({range}).");
    }
}
