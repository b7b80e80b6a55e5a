using LineConnector.Core.Channels;
using LineConnector.Core.Routing;
using LineConnector.Tests.Support;

namespace LineConnector.Tests.Routing;

internal static class RoutingFixtures
{
    public static readonly TimeZoneInfo Tokyo = ChannelTimeZone.Find("Asia/Tokyo");
    public static readonly TimeZoneInfo NewYork = ChannelTimeZone.Find("America/New_York");
    public static readonly TimeZoneInfo London = ChannelTimeZone.Find("Europe/London");

    public static readonly DayOfWeek[] Weekdays =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    /// <summary>A local wall-clock time in <paramref name="zone"/> as an instant (unambiguous times only).</summary>
    public static DateTimeOffset Local(TimeZoneInfo zone, int year, int month, int day, int hour, int minute, int second = 0)
    {
        var wall = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified);
        return new DateTimeOffset(wall, zone.GetUtcOffset(wall));
    }

    public static DestinationStatus Present(string id) => new(id, Present: true);

    public static DestinationStatus Absent(string id) => new(id, Present: false);

    public static RoutingRule Alternative(params string[] destinations) =>
        new() { Kind = RoutingKind.Alternative, Targets = [.. destinations.Select(d => new RoutingTarget(d))] };

    public static RoutingRule Percentage(params (string Destination, int Percent)[] shares) =>
        new() { Kind = RoutingKind.Percentage, Targets = [.. shares.Select(s => new RoutingTarget(s.Destination, s.Percent))] };

    public static RoutingRule Time(IReadOnlyList<TimeWindow> windows, params string[] otherTimes) =>
        new() { Kind = RoutingKind.Time, TimeWindows = windows, OtherTimes = otherTimes };

    public static RoutingRule Sticky(RoutingRule fallback) => new() { Kind = RoutingKind.Sticky, Fallback = fallback };

    public static TimeWindow Window(WeeklyWindow when, params string[] destinations) => new(when.Days, when.From, when.To, destinations);

    public static RoutingRequest Request(
        string enquiryId,
        TimeZoneInfo zone,
        IReadOnlyList<DestinationStatus> destinations,
        LastService? lastService = null,
        params string[] failed) =>
        new()
        {
            EnquiryId = enquiryId,
            TimeZone = zone,
            Destinations = destinations,
            LastService = lastService,
            FailedDestinations = failed.ToHashSet(),
        };

    public static Router RouterAt(DateTimeOffset now) => new(new TestClock(now));
}
