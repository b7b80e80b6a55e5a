using System.Globalization;

namespace LineConnector.Core.Routing;

/// <summary>Times and durations as explanations show them.</summary>
internal static class TimeText
{
    /// <summary>"Sunday 2024-03-10 03:15 in America/New_York (UTC-04:00)".</summary>
    public static string LocalTime(DateTimeOffset at, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        return string.Create(CultureInfo.InvariantCulture, $"{local.DayOfWeek} {local:yyyy-MM-dd HH:mm} in {zone.Id} (UTC{local:zzz})");
    }

    /// <summary>"2 h 5 min", "45 s", "3 d".</summary>
    public static string Duration(TimeSpan duration)
    {
        if (duration < TimeSpan.FromSeconds(1))
        {
            return "0 s";
        }

        var parts = new List<string>(4);
        if (duration.Days > 0)
        {
            parts.Add($"{duration.Days} d");
        }

        if (duration.Hours > 0)
        {
            parts.Add($"{duration.Hours} h");
        }

        if (duration.Minutes > 0)
        {
            parts.Add($"{duration.Minutes} min");
        }

        if (duration.Seconds > 0)
        {
            parts.Add($"{duration.Seconds} s");
        }

        return string.Join(' ', parts);
    }
}
