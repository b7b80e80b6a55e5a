using LineConnector.Core;
using LineConnector.Core.Channels;
using LineConnector.Tests.Channels;
using static LineConnector.Tests.Routing.RoutingFixtures;

namespace LineConnector.Tests.Routing;

/// <summary>
/// A routing rule is judged once, by <see cref="ChannelValidation"/>, when its channel is written or read;
/// the router takes it as it is.
/// </summary>
public class RuleValidationTests
{
    private static readonly WeeklyWindow Office = WeeklyWindow.Parse(Weekdays, "09:00", "17:00");

    private static IReadOnlyList<FieldError> Errors(RoutingRule rule, int stickyPeriodMinutes = ChannelSettings.DefaultStickyPeriodMinutes) =>
        ChannelValidation.Validate(ChannelSamples.Settings("a", "b", "c", "d", "e", "f") with { Routing = rule, StickyPeriodMinutes = stickyPeriodMinutes });

    [Fact]
    public void Valid_rules_have_no_errors()
    {
        Errors(Alternative("a", "b", "c", "d", "e")).Should().BeEmpty();
        Errors(Percentage(("a", 50), ("b", 30), ("c", 20))).Should().BeEmpty();
        Errors(Time([Window(Office, "a")], "b")).Should().BeEmpty();
        Errors(Sticky(Alternative("a"))).Should().BeEmpty();
    }

    [Fact]
    public void Six_destinations_in_an_alternative_list_are_refused()
    {
        var errors = Errors(Alternative("a", "b", "c", "d", "e", "f"));

        errors.Should().ContainSingle().Which.Should().Be(
            new FieldError("routing.targets", "1 to 5 destinations (got 6)"));
    }

    [Fact]
    public void Six_shares_in_a_percentage_rule_are_refused()
    {
        var errors = Errors(Percentage(("a", 50), ("b", 10), ("c", 10), ("d", 10), ("e", 10), ("f", 10)));

        errors.Should().ContainSingle().Which.Field.Should().Be("routing.targets");
        errors[0].Message.Should().Contain("1 to 5");
    }

    [Fact]
    public void Six_destinations_in_a_time_window_or_other_times_are_refused()
    {
        var six = new[] { "a", "b", "c", "d", "e", "f" };
        var errors = Errors(Time([Window(Office, "a"), Window(Office, six)], six));

        errors.Select(e => e.Field).Should().BeEquivalentTo(["routing.timeWindows[1].destinations", "routing.otherTimes"]);
        errors.Should().OnlyContain(e => e.Message == "1 to 5 destinations (got 6)");
    }

    [Fact]
    public void Empty_blank_and_repeated_destinations_are_named()
    {
        Errors(Alternative()).Should().ContainSingle()
            .Which.Should().Be(new FieldError("routing.targets", "1 to 5 destinations (got 0)"));

        var errors = Errors(Alternative("a", " ", "a"));
        errors.Should().BeEquivalentTo(
        [
            new FieldError("routing.targets[1].destination", "' ' is not one of the channel's destinations"),
            new FieldError("routing.targets[2].destination", "'a' is listed twice"),
        ]);
        Errors(Time([Window(Office, "a", "a")], "b", "")).Should().BeEquivalentTo(
        [
            new FieldError("routing.timeWindows[0].destinations[1]", "'a' is listed twice"),
            new FieldError("routing.otherTimes[1]", "required: the id of one of the channel's destinations"),
        ]);
    }

    [Fact]
    public void Shares_must_be_whole_percents_from_1_to_100_summing_to_100()
    {
        Errors(Percentage(("a", 50), ("b", 40))).Should().ContainSingle()
            .Which.Should().Be(new FieldError("routing.targets", "weights must sum to 100 (got 90)"));

        var errors = Errors(Percentage(("a", 100), ("b", 0)));
        errors.Should().ContainSingle().Which.Should().Be(new FieldError("routing.targets[1].weight", "1 to 100 (got 0)"));

        Errors(Percentage(("a", 120), ("b", -20))).Select(e => e.Field)
            .Should().BeEquivalentTo(["routing.targets[0].weight", "routing.targets[1].weight"]);
    }

    [Fact]
    public void Time_windows_need_days_and_whole_minutes()
    {
        var noDays = new WeeklyWindow([], new TimeOnly(9, 0), new TimeOnly(17, 0));
        var repeated = new WeeklyWindow([DayOfWeek.Monday, DayOfWeek.Monday], new TimeOnly(9, 0, 30), new TimeOnly(17, 0));
        var errors = Errors(Time([Window(noDays, "a"), Window(repeated, "a")], "b"));

        errors.Should().BeEquivalentTo(
        [
            new FieldError("routing.timeWindows[0].days", "at least 1 day: mon, tue, wed, thu, fri, sat or sun"),
            new FieldError("routing.timeWindows[1].days", "a day is listed twice"),
            new FieldError("routing.timeWindows[1].from", "a time of day in whole minutes (HH:MM)"),
        ]);
        Errors(Time([], "a")).Should().ContainSingle()
            .Which.Should().Be(new FieldError("routing.timeWindows", "at least 1 time window"));
    }

    [Fact]
    public void Sticky_needs_a_positive_period_and_a_valid_non_sticky_fallback()
    {
        Errors(Sticky(Alternative("a")), stickyPeriodMinutes: 0).Should().ContainSingle()
            .Which.Field.Should().Be("stickyPeriodMinutes");
        Errors(Sticky(Sticky(Alternative("a"))))
            .Should().ContainSingle().Which.Should().Be(new FieldError("routing.fallback.kind", "must be alternative, percentage or time"));
        Errors(Sticky(Alternative("a", "b", "c", "d", "e", "f")))
            .Should().ContainSingle().Which.Field.Should().Be("routing.fallback.targets");
    }

    [Fact]
    public void An_invalid_rule_is_refused_when_written_with_every_error()
    {
        var errors = Errors(Percentage(("a", 50), ("a", 30)));

        errors.Select(e => e.Field).Should().BeEquivalentTo(["routing.targets[1].destination", "routing.targets"]);
        string.Join("; ", errors).Should().Contain("routing.targets[1].destination: 'a' is listed twice").And.Contain("sum to 100 (got 80)");
    }

    [Theory]
    [InlineData("9:00", "17:00")]
    [InlineData("09:00", "17:0")]
    [InlineData("24:00", "06:00")]
    [InlineData("09:00", "24:01")]
    [InlineData("23:60", "06:00")]
    [InlineData("09:00:00", "17:00")]
    [InlineData("", "17:00")]
    public void Window_times_must_be_HH_MM(string from, string to)
    {
        var parse = () => WeeklyWindow.Parse(Weekdays, from, to);

        parse.Should().Throw<FormatException>().WithMessage("The window's '*' time '*' is not HH:MM (00:00 to 2?:??).");
    }

    [Fact]
    public void Window_end_may_be_24_00()
    {
        var window = WeeklyWindow.Parse([DayOfWeek.Monday], "18:00", "24:00");

        window.To.Should().Be(TimeOnly.MinValue);
        window.Length.Should().Be(TimeSpan.FromHours(6));
        window.IsOvernight.Should().BeFalse();
        window.ToString().Should().Be("Mon 18:00–24:00");
    }

    [Fact]
    public void Time_zones_are_IANA_ids()
    {
        ChannelTimeZone.Find("Asia/Tokyo").Id.Should().Be("Asia/Tokyo");

        ChannelTimeZone.TryFind("Tokyo Standard Time", out _, out var windowsId).Should().BeFalse();
        windowsId.Should().Contain("not an IANA time zone id");
        ChannelTimeZone.TryFind("Mars/Olympus_Mons", out _, out var unknown).Should().BeFalse();
        unknown.Should().Contain("'Mars/Olympus_Mons' is not an IANA time zone id known to this system");
        var blank = () => ChannelTimeZone.Find(" ");
        blank.Should().Throw<ArgumentException>().WithMessage("The time zone is required*");
    }
}
