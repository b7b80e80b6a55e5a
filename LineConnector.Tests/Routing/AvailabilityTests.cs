using LineConnector.Core.Channels;
using LineConnector.Core.Routing;
using static LineConnector.Tests.Routing.RoutingFixtures;

namespace LineConnector.Tests.Routing;

public class AvailabilityTests
{
    private static readonly WeeklyWindow Office = WeeklyWindow.Parse(Weekdays, "09:00", "17:00");

    [Fact]
    public void Presence_alone_decides_without_a_schedule()
    {
        var at = Local(Tokyo, 2024, 6, 8, 3, 0);

        Present("d").AvailabilityAt(at, Tokyo).Should().Be(new Availability(true, "is present and has no schedule"));
        Absent("d").AvailabilityAt(at, Tokyo).Should().Be(new Availability(false, "is marked not present"));
    }

    [Fact]
    public void A_schedule_and_presence_must_both_allow()
    {
        var inside = Local(Tokyo, 2024, 6, 3, 9, 0);
        var outside = Local(Tokyo, 2024, 6, 3, 17, 0);
        var present = Present("d") with { Schedule = [Office] };
        var absent = Absent("d") with { Schedule = [Office] };

        present.AvailabilityAt(inside, Tokyo).Should().Be(new Availability(true, "is present and within its schedule (Mon Tue Wed Thu Fri 09:00–17:00)"));
        present.AvailabilityAt(outside, Tokyo).Should().Be(new Availability(false, "is outside its schedule at Monday 2024-06-03 17:00 in Asia/Tokyo (UTC+09:00)"));
        absent.AvailabilityAt(inside, Tokyo).IsAvailable.Should().BeFalse();
        absent.AvailabilityAt(outside, Tokyo).Reason.Should().StartWith("is marked not present and is outside its schedule");
    }

    [Fact]
    public void The_schedule_is_read_in_the_channels_time_zone()
    {
        // 09:30 in Tokyo is 00:30 UTC and 01:30 in London (summer): only Tokyo's office is open.
        var at = new DateTimeOffset(2024, 6, 3, 0, 30, 0, TimeSpan.Zero);
        var desk = Present("d") with { Schedule = [Office] };

        desk.AvailabilityAt(at, Tokyo).IsAvailable.Should().BeTrue();
        desk.AvailabilityAt(at, London).IsAvailable.Should().BeFalse();
    }

    [Fact]
    public void Any_window_of_the_schedule_will_do()
    {
        var split = Present("d") with
        {
            Schedule = [WeeklyWindow.Parse(Weekdays, "09:00", "12:00"), WeeklyWindow.Parse(Weekdays, "13:00", "18:00")],
        };

        split.AvailabilityAt(Local(Tokyo, 2024, 6, 3, 11, 59), Tokyo).IsAvailable.Should().BeTrue();
        split.AvailabilityAt(Local(Tokyo, 2024, 6, 3, 12, 30), Tokyo).IsAvailable.Should().BeFalse();
        split.AvailabilityAt(Local(Tokyo, 2024, 6, 3, 13, 0), Tokyo).Reason.Should().Contain("13:00–18:00");
    }

    [Fact]
    public void London_schedule_inside_the_spring_gap_never_opens_and_in_the_autumn_overlap_opens_twice()
    {
        // 2024-03-31: 01:00 GMT becomes 02:00 BST. 2024-10-27: 02:00 BST becomes 01:00 GMT.
        var desk = Present("d") with { Schedule = [WeeklyWindow.Parse([DayOfWeek.Sunday], "01:00", "02:00")] };

        MinutesAvailable(desk, new DateTimeOffset(2024, 3, 30, 12, 0, 0, TimeSpan.Zero), TimeSpan.FromDays(1)).Should().Be(0);
        MinutesAvailable(desk, new DateTimeOffset(2024, 10, 26, 12, 0, 0, TimeSpan.Zero), TimeSpan.FromDays(1)).Should().Be(120);
        desk.AvailabilityAt(new DateTimeOffset(2024, 10, 27, 0, 30, 0, TimeSpan.Zero), London).IsAvailable.Should().BeTrue(); // 01:30 BST
        desk.AvailabilityAt(new DateTimeOffset(2024, 10, 27, 1, 30, 0, TimeSpan.Zero), London).IsAvailable.Should().BeTrue(); // 01:30 GMT
        desk.AvailabilityAt(new DateTimeOffset(2024, 10, 27, 2, 0, 0, TimeSpan.Zero), London).IsAvailable.Should().BeFalse(); // 02:00 GMT
    }

    private static int MinutesAvailable(DestinationStatus destination, DateTimeOffset from, TimeSpan span)
    {
        var count = 0;
        for (var t = from; t < from + span; t += TimeSpan.FromMinutes(1))
        {
            if (destination.AvailabilityAt(t, London).IsAvailable)
            {
                count++;
            }
        }

        return count;
    }
}
