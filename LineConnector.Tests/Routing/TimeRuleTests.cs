using LineConnector.Tests.Channels;
using LineConnector.Tests.Support;
using LineConnector.Core.Channels;
using LineConnector.Core.Routing;
using static LineConnector.Tests.Routing.RoutingFixtures;

namespace LineConnector.Tests.Routing;

public class TimeRuleTests
{
    private static readonly DestinationStatus[] Everyone = [Present("desk"), Present("night"), Present("bot")];

    // 2024-06-03 is a Monday; 2024-06-07 a Friday.
    private static readonly RoutingRule Office = Time([Window(WeeklyWindow.Parse(Weekdays, "09:00", "17:00"), "desk")], "bot");

    [Theory]
    [InlineData(9, 0, 0, "desk")] // from is inclusive
    [InlineData(8, 59, 59, "bot")]
    [InlineData(16, 59, 59, "desk")]
    [InlineData(17, 0, 0, "bot")] // to is exclusive
    public void Window_edges(int hour, int minute, int second, string expected)
    {
        Route(Office, Local(Tokyo, 2024, 6, 3, hour, minute, second)).DestinationId.Should().Be(expected);
    }

    [Fact]
    public void The_end_is_exclusive_to_the_tick()
    {
        var end = Local(Tokyo, 2024, 6, 3, 17, 0);

        Route(Office, end - TimeSpan.FromTicks(1)).DestinationId.Should().Be("desk");
        Route(Office, end).DestinationId.Should().Be("bot");
    }

    [Fact]
    public void Days_outside_the_window_go_to_other_times()
    {
        var choice = Route(Office, Local(Tokyo, 2024, 6, 8, 10, 0));

        choice.DestinationId.Should().Be("bot");
        choice.Explanation.Should().Equal(
            "Time routing: it is Saturday 2024-06-08 10:00 in Asia/Tokyo (UTC+09:00).",
            "No window applies, so the other-times destinations are tried in order: bot.",
            "bot is chosen: it is present and has no schedule.");
    }

    [Fact]
    public void Midnight_starts_and_ends_windows()
    {
        var rule = Time(
        [
            Window(WeeklyWindow.Parse([DayOfWeek.Monday], "00:00", "09:00"), "night"),
            Window(WeeklyWindow.Parse([DayOfWeek.Monday], "18:00", "24:00"), "desk"),
        ], "bot");

        Route(rule, Local(Tokyo, 2024, 6, 2, 23, 59, 59)).DestinationId.Should().Be("bot"); // Sunday
        Route(rule, Local(Tokyo, 2024, 6, 3, 0, 0)).DestinationId.Should().Be("night");
        Route(rule, Local(Tokyo, 2024, 6, 3, 23, 59, 59)).DestinationId.Should().Be("desk");
        Route(rule, Local(Tokyo, 2024, 6, 4, 0, 0)).DestinationId.Should().Be("bot"); // Tuesday
    }

    [Theory]
    [InlineData(6, 21, 59, "bot")] // Friday before
    [InlineData(7, 22, 0, "night")] // Friday 22:00, the start
    [InlineData(8, 5, 59, "night")] // Saturday early: still Friday's window
    [InlineData(8, 6, 0, "bot")] // Saturday 06:00, the end
    [InlineData(8, 23, 0, "bot")] // Saturday night: the window is Friday's only
    [InlineData(9, 2, 0, "bot")] // Sunday early
    [InlineData(6, 23, 0, "bot")] // Thursday night
    public void An_overnight_window_belongs_to_the_day_it_starts(int day, int hour, int minute, string expected)
    {
        var rule = Time([Window(WeeklyWindow.Parse([DayOfWeek.Friday], "22:00", "06:00"), "night")], "bot");

        Route(rule, Local(Tokyo, 2024, 6, day, hour, minute)).DestinationId.Should().Be(expected);
    }

    [Fact]
    public void A_window_from_a_time_to_the_same_time_lasts_24_hours()
    {
        var window = WeeklyWindow.Parse([DayOfWeek.Monday], "00:00", "00:00");

        window.Length.Should().Be(TimeSpan.FromDays(1));
        window.Contains(new DateTime(2024, 6, 3, 0, 0, 0)).Should().BeTrue();
        window.Contains(new DateTime(2024, 6, 3, 23, 59, 59)).Should().BeTrue();
        window.Contains(new DateTime(2024, 6, 4, 0, 0, 0)).Should().BeFalse();
        window.ToString().Should().Be("Mon 00:00–24:00");
    }

    [Fact]
    public void The_first_window_that_applies_decides()
    {
        var rule = Time(
        [
            Window(WeeklyWindow.Parse(Weekdays, "12:00", "13:00"), "bot"),
            Window(WeeklyWindow.Parse(Weekdays, "09:00", "17:00"), "desk"),
        ]);

        var lunch = Route(rule, Local(Tokyo, 2024, 6, 3, 12, 30));

        lunch.DestinationId.Should().Be("bot");
        lunch.Explanation.Should().Contain("Window 1 (Mon Tue Wed Thu Fri 12:00–13:00) applies; its destinations are tried in order: bot.");
        Route(rule, Local(Tokyo, 2024, 6, 3, 13, 0)).DestinationId.Should().Be("desk");
    }

    [Fact]
    public void A_windows_destinations_are_tried_in_order_and_do_not_fall_through_to_other_times()
    {
        var rule = Time([Window(WeeklyWindow.Parse(Weekdays, "09:00", "17:00"), "desk", "night")], "bot");
        var at = Local(Tokyo, 2024, 6, 3, 10, 0);

        Route(rule, at, [Absent("desk"), Present("night"), Present("bot")]).DestinationId.Should().Be("night");
        var nobody = Route(rule, at, [Absent("desk"), Absent("night"), Present("bot")]);
        nobody.Found.Should().BeFalse();
        nobody.Explanation.Should().EndWith("No destination in the list is available.");
    }

    [Fact]
    public void Without_other_times_a_time_rule_is_refused_when_written()
    {
        // The one channel model requires 1 to 5 other-times destinations, so routing never meets a time rule without them.
        var settings = ChannelSamples.Settings("desk", "bot") with { Routing = Office with { OtherTimes = [] } };

        ChannelValidation.Validate(settings).Select(e => e.ToString()).Should().Equal("routing.otherTimes: 1 to 5 destinations (got 0)");
    }

    [Fact]
    public void The_router_reads_its_clock_at_each_decision()
    {
        var clock = new TestClock(Local(Tokyo, 2024, 6, 3, 16, 59));
        var router = new Router(clock);

        router.Route(Office, Request("e", Tokyo, Everyone)).DestinationId.Should().Be("desk");
        clock.Advance(TimeSpan.FromMinutes(1));
        router.Route(Office, Request("e", Tokyo, Everyone)).DestinationId.Should().Be("bot");
    }

    // America/New_York, 2024-03-10: 02:00 EST jumps to 03:00 EDT (07:00 UTC).
    [Fact]
    public void Spring_forward_a_window_inside_the_skipped_hour_does_not_occur()
    {
        var window = WeeklyWindow.Parse([DayOfWeek.Sunday], "02:00", "02:30");

        MinutesInside(window, NewYork, new DateTimeOffset(2024, 3, 10, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromDays(1)).Should().Be(0);
    }

    [Fact]
    public void Spring_forward_a_window_starting_in_the_gap_starts_at_the_jump_and_one_ending_in_it_ends_there()
    {
        var startsInGap = WeeklyWindow.Parse([DayOfWeek.Sunday], "02:30", "04:00");
        var endsInGap = WeeklyWindow.Parse([DayOfWeek.Sunday], "00:00", "02:30");
        var jump = new DateTimeOffset(2024, 3, 10, 7, 0, 0, TimeSpan.Zero);

        startsInGap.Contains(jump - TimeSpan.FromTicks(1), NewYork).Should().BeFalse(); // 01:59:59 EST
        startsInGap.Contains(jump, NewYork).Should().BeTrue(); // 03:00 EDT
        endsInGap.Contains(jump - TimeSpan.FromTicks(1), NewYork).Should().BeTrue();
        endsInGap.Contains(jump, NewYork).Should().BeFalse();
        MinutesInside(startsInGap, NewYork, jump.AddHours(-6), TimeSpan.FromHours(12)).Should().Be(60);
        MinutesInside(endsInGap, NewYork, jump.AddHours(-6), TimeSpan.FromHours(12)).Should().Be(120);
    }

    [Fact]
    public void Spring_forward_an_overnight_window_is_an_hour_shorter()
    {
        var window = WeeklyWindow.Parse([DayOfWeek.Saturday], "22:00", "06:00");

        MinutesInside(window, NewYork, new DateTimeOffset(2024, 3, 9, 12, 0, 0, TimeSpan.Zero), TimeSpan.FromDays(1)).Should().Be(7 * 60);
    }

    // America/New_York, 2024-11-03: 02:00 EDT goes back to 01:00 EST (06:00 UTC); 01:00–01:59 happens twice.
    [Fact]
    public void Fall_back_a_repeated_wall_time_is_inside_the_window_both_times()
    {
        var rule = Time([Window(WeeklyWindow.Parse([DayOfWeek.Sunday], "01:00", "01:30"), "night")], "bot");

        var firstPass = RouteInNewYork(rule, new DateTimeOffset(2024, 11, 3, 5, 15, 0, TimeSpan.Zero));
        var between = RouteInNewYork(rule, new DateTimeOffset(2024, 11, 3, 5, 45, 0, TimeSpan.Zero));
        var secondPass = RouteInNewYork(rule, new DateTimeOffset(2024, 11, 3, 6, 15, 0, TimeSpan.Zero));

        firstPass.DestinationId.Should().Be("night");
        firstPass.Explanation[0].Should().Be("Time routing: it is Sunday 2024-11-03 01:15 in America/New_York (UTC-04:00).");
        between.DestinationId.Should().Be("bot");
        secondPass.DestinationId.Should().Be("night");
        secondPass.Explanation[0].Should().Be("Time routing: it is Sunday 2024-11-03 01:15 in America/New_York (UTC-05:00).");
        MinutesInside(rule.TimeWindows[0], NewYork, new DateTimeOffset(2024, 11, 3, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromDays(1)).Should().Be(60);
    }

    [Fact]
    public void Fall_back_an_overnight_window_is_an_hour_longer()
    {
        var window = WeeklyWindow.Parse([DayOfWeek.Saturday], "22:00", "06:00");

        MinutesInside(window, NewYork, new DateTimeOffset(2024, 11, 2, 12, 0, 0, TimeSpan.Zero), TimeSpan.FromDays(1)).Should().Be(9 * 60);
    }

    [Fact]
    public void Europe_London_office_hours_follow_the_clocks()
    {
        // Monday 9:00 is 09:00 UTC in winter (GMT) and 08:00 UTC in summer (BST).
        var office = WeeklyWindow.Parse(Weekdays, "09:00", "17:00");

        office.Contains(new DateTimeOffset(2024, 3, 25, 8, 0, 0, TimeSpan.Zero), London).Should().BeFalse();
        office.Contains(new DateTimeOffset(2024, 3, 25, 9, 0, 0, TimeSpan.Zero), London).Should().BeTrue();
        office.Contains(new DateTimeOffset(2024, 4, 1, 8, 0, 0, TimeSpan.Zero), London).Should().BeTrue();
        office.Contains(new DateTimeOffset(2024, 4, 1, 16, 0, 0, TimeSpan.Zero), London).Should().BeFalse();
    }

    [Fact]
    public void Europe_London_spring_gap_and_autumn_overlap()
    {
        // 2024-03-31: 01:00 GMT jumps to 02:00 BST. 2024-10-27: 02:00 BST goes back to 01:00 GMT.
        var window = WeeklyWindow.Parse([DayOfWeek.Sunday], "00:30", "01:30");

        MinutesInside(window, London, new DateTimeOffset(2024, 3, 30, 12, 0, 0, TimeSpan.Zero), TimeSpan.FromDays(1)).Should().Be(30);
        MinutesInside(window, London, new DateTimeOffset(2024, 10, 26, 12, 0, 0, TimeSpan.Zero), TimeSpan.FromDays(1)).Should().Be(90);
    }

    private static DestinationChoice Route(RoutingRule rule, DateTimeOffset at, IReadOnlyList<DestinationStatus>? destinations = null, TimeZoneInfo? zone = null) =>
        RouterAt(at).Route(rule, Request("e", zone ?? Tokyo, destinations ?? Everyone));

    private static DestinationChoice RouteInNewYork(RoutingRule rule, DateTimeOffset at) => Route(rule, at, zone: NewYork);

    private static int MinutesInside(WeeklyWindow window, TimeZoneInfo zone, DateTimeOffset from, TimeSpan span)
    {
        var count = 0;
        for (var t = from; t < from + span; t += TimeSpan.FromMinutes(1))
        {
            if (window.Contains(t, zone))
            {
                count++;
            }
        }

        return count;
    }
}
