using LineConnector.Core;
using LineConnector.Core.Routing;
using static LineConnector.Tests.Routing.RoutingFixtures;

namespace LineConnector.Tests.Routing;

public class RuleValidationTests
{
    private static readonly WeeklyWindow Office = WeeklyWindow.Parse(Weekdays, "09:00", "17:00");

    [Fact]
    public void Valid_rules_have_no_errors()
    {
        new AlternativeRule(["a", "b", "c", "d", "e"]).Validate().Should().BeEmpty();
        new PercentageRule([new("a", 50), new("b", 30), new("c", 20)]).Validate().Should().BeEmpty();
        new TimeRule([new TimeWindow(Office, ["a"])], []).Validate().Should().BeEmpty();
        new StickyRule(TimeSpan.FromDays(1), new AlternativeRule(["a"])).Validate().Should().BeEmpty();
    }

    [Fact]
    public void Six_destinations_in_an_alternative_list_are_refused()
    {
        var errors = new AlternativeRule(["a", "b", "c", "d", "e", "f"]).Validate();

        errors.Should().ContainSingle().Which.Should().Be(
            new FieldError("destinations", "At most 5 destinations per condition; 6 were given."));
    }

    [Fact]
    public void Six_shares_in_a_percentage_rule_are_refused()
    {
        var errors = new PercentageRule([new("a", 50), new("b", 10), new("c", 10), new("d", 10), new("e", 10), new("f", 10)]).Validate();

        errors.Should().ContainSingle().Which.Field.Should().Be("shares");
        errors[0].Message.Should().Contain("At most 5");
    }

    [Fact]
    public void Six_destinations_in_a_time_window_or_other_times_are_refused()
    {
        var six = new[] { "a", "b", "c", "d", "e", "f" };
        var errors = new TimeRule([new TimeWindow(Office, ["a"]), new TimeWindow(Office, six)], six).Validate();

        errors.Select(e => e.Field).Should().BeEquivalentTo(["windows[1].destinations", "otherTimes"]);
        errors.Should().OnlyContain(e => e.Message.Contains("At most 5 destinations per condition"));
    }

    [Fact]
    public void Empty_blank_and_repeated_destinations_are_named()
    {
        new AlternativeRule([]).Validate().Should().ContainSingle()
            .Which.Should().Be(new FieldError("destinations", "At least 1 destination is required."));

        var errors = new AlternativeRule(["a", " ", "a"]).Validate();
        errors.Should().BeEquivalentTo(
        [
            new FieldError("destinations[1]", "A destination id must not be blank."),
            new FieldError("destinations[2]", "Destination 'a' appears more than once in this condition."),
        ]);
    }

    [Fact]
    public void Shares_must_be_whole_percents_from_1_to_100_summing_to_100()
    {
        new PercentageRule([new("a", 50), new("b", 40)]).Validate().Should().ContainSingle()
            .Which.Should().Be(new FieldError("shares", "The shares sum to 90 percent; they must sum to 100."));

        var errors = new PercentageRule([new("a", 100), new("b", 0)]).Validate();
        errors.Should().ContainSingle().Which.Should().Be(new FieldError("shares[1].percent", "A share is 1 to 100 percent; 0 was given."));

        new PercentageRule([new("a", 120), new("b", -20)]).Validate().Select(e => e.Field)
            .Should().BeEquivalentTo(["shares[0].percent", "shares[1].percent"]);
    }

    [Fact]
    public void Time_windows_need_days_and_whole_minutes()
    {
        var noDays = new WeeklyWindow([], new TimeOnly(9, 0), new TimeOnly(17, 0));
        var repeated = new WeeklyWindow([DayOfWeek.Monday, DayOfWeek.Monday], new TimeOnly(9, 0, 30), new TimeOnly(17, 0));
        var errors = new TimeRule([new TimeWindow(noDays, ["a"]), new TimeWindow(repeated, ["a"])], ["b"]).Validate();

        errors.Should().BeEquivalentTo(
        [
            new FieldError("windows[0].days", "At least one day of the week is required."),
            new FieldError("windows[1].days[1]", "Monday appears more than once."),
            new FieldError("windows[1].from", "A window starts on a whole minute (HH:MM)."),
        ]);
        new TimeRule([], ["a"]).Validate().Should().ContainSingle()
            .Which.Should().Be(new FieldError("windows", "At least one time window is required."));
    }

    [Fact]
    public void Sticky_needs_a_positive_period_and_a_valid_non_sticky_fallback()
    {
        new StickyRule(TimeSpan.Zero, new AlternativeRule(["a"])).Validate().Should().ContainSingle()
            .Which.Field.Should().Be("period");
        new StickyRule(TimeSpan.FromHours(1), new StickyRule(TimeSpan.FromHours(1), new AlternativeRule(["a"]))).Validate()
            .Should().ContainSingle().Which.Should().Be(new FieldError("fallback", "The fallback of a sticky rule cannot itself be sticky."));
        new StickyRule(TimeSpan.FromHours(1), new AlternativeRule(["a", "b", "c", "d", "e", "f"])).Validate()
            .Should().ContainSingle().Which.Field.Should().Be("fallback.destinations");
    }

    [Fact]
    public void Routing_an_invalid_rule_throws_with_every_error()
    {
        var rule = new PercentageRule([new("a", 50), new("a", 30)]);
        var route = () => RouterAt(DateTimeOffset.UnixEpoch).Route(rule, Request("e", Tokyo, [Present("a")]));

        var thrown = route.Should().Throw<InvalidRoutingRuleException>().Which;
        thrown.Errors.Select(e => e.Field).Should().BeEquivalentTo(["shares[1]", "shares"]);
        thrown.Message.Should().Contain("shares[1]: Destination 'a' appears more than once").And.Contain("sum to 80 percent");
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
