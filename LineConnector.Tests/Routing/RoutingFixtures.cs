using LineConnector.Tests.Support;
using LineConnector.Core.Routing;

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
