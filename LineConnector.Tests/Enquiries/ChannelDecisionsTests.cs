using LineConnector.Core.Channels;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Routing;
using LineConnector.Tests.Channels;
using LineConnector.Tests.Routing;
using LineConnector.Tests.Support;
using ChannelRule = LineConnector.Core.Channels.RoutingRule;
using ChannelTimeWindow = LineConnector.Core.Channels.TimeWindow;

namespace LineConnector.Tests.Enquiries;

public class ChannelDecisionsTests
{
    private static readonly IReadOnlyDictionary<string, DestinationPresence> NoPresence = new Dictionary<string, DestinationPresence>();

    private static DestinationChoice Route(ChannelSettings settings, DateTimeOffset at, string enquiryId = "enquiry-1", LastService? last = null, IReadOnlyDictionary<string, DestinationPresence>? presence = null) =>
        new Router(new TestClock(at)).Route(ChannelDecisions.Rule(settings), new RoutingRequest
        {
            EnquiryId = enquiryId,
            TimeZone = ChannelDecisions.TimeZone(settings),
            Destinations = ChannelDecisions.Statuses(settings, presence ?? NoPresence),
            LastService = last,
        });

    [Fact]
    public void An_alternative_rule_keeps_the_order_of_its_targets()
    {
        var settings = ChannelSamples.Settings("a", "b", "c") with
        {
            Routing = new ChannelRule { Kind = RoutingKind.Alternative, Targets = [new("c"), new("a"), new("b")] },
        };

        ChannelDecisions.Rule(settings).Should().BeOfType<AlternativeRule>().Which.Destinations.Should().Equal("c", "a", "b");
        var absent = new Dictionary<string, DestinationPresence> { ["c"] = new("c", false, new HashSet<string>()) };
        Route(settings, DateTimeOffset.UnixEpoch, presence: absent).DestinationId.Should().Be("a");
    }

    [Fact]
    public void A_percentage_rule_keeps_each_weight()
    {
        var settings = ChannelSamples.Settings("a", "b") with
        {
            Routing = new ChannelRule { Kind = RoutingKind.Percentage, Targets = [new("a", 30), new("b", 70)] },
        };

        ChannelDecisions.Rule(settings).Should().BeOfType<PercentageRule>().Which.Shares
            .Should().Equal(new PercentageShare("a", 30), new PercentageShare("b", 70));
    }

    [Fact]
    public void A_time_rule_gives_each_window_its_destination_and_keeps_the_other_times_destination()
    {
        var rule = ChannelDecisions.Rule(ChannelSamples.Full()).Should().BeOfType<StickyRule>().Which.Fallback.Should().BeOfType<TimeRule>().Which;

        rule.Windows.Select(w => (w.When.ToString(), string.Join(",", w.Destinations)))
            .Should().Equal(("Mon Tue 09:00–18:00", "desk"), ("Fri 22:00–06:00 (overnight)", "night-desk"));
        rule.OtherTimes.Should().Equal("faq-bot");
    }

    [Theory]
    [InlineData(2026, 11, 27, 23, 30, "night-desk")] // Friday night
    [InlineData(2026, 11, 28, 5, 59, "night-desk")] // Saturday morning, still Friday's window
    [InlineData(2026, 11, 28, 6, 0, "faq-bot")] // the window ends at 06:00
    [InlineData(2026, 11, 28, 23, 30, "faq-bot")] // Saturday night: the window is Friday's only
    public void An_overnight_window_of_the_channel_covers_the_next_morning(int year, int month, int day, int hour, int minute, string expected)
    {
        var settings = ChannelSamples.Full() with { Routing = ChannelSamples.Full().Routing.Fallback! };

        Route(settings, RoutingFixtures.Local(RoutingFixtures.Tokyo, year, month, day, hour, minute)).DestinationId.Should().Be(expected);
    }

    [Fact]
    public void A_sticky_rule_takes_the_channels_sticky_period()
    {
        var settings = ChannelSamples.Full();
        var at = RoutingFixtures.Local(RoutingFixtures.Tokyo, 2026, 11, 25, 10, 0); // Wednesday: no time window applies
        var presence = new Dictionary<string, DestinationPresence> { ["night-desk"] = new("night-desk", true, new HashSet<string> { "aiko" }) };

        ChannelDecisions.Rule(settings).Should().BeOfType<StickyRule>().Which.Period.Should().Be(TimeSpan.FromDays(7));
        Route(settings, at, last: new LastService("night-desk", "aiko", at - TimeSpan.FromDays(6)), presence: presence)
            .Should().Match<DestinationChoice>(c => c.DestinationId == "night-desk" && c.StaffMemberId == "aiko");
        Route(settings, at, last: new LastService("night-desk", "aiko", at - TimeSpan.FromDays(7)), presence: presence)
            .DestinationId.Should().Be("faq-bot", "after the sticky period the time rule decides, and on Wednesdays that is the other-times destination");
    }

    [Fact]
    public void A_destinations_schedule_becomes_one_window_per_day_and_range()
    {
        var desk = ChannelSamples.Full().Destinations.Single(d => d.Id == "desk");

        ChannelDecisions.Schedule(desk.Schedule).Select(w => w.ToString())
            .Should().Equal("Mon 09:00–12:00", "Mon 13:00–18:00", "Sat 22:00–02:00 (overnight)");
        ChannelDecisions.Schedule(null).Should().BeEmpty();
    }

    [Theory]
    [InlineData(2026, 11, 23, 9, 0, true)] // Monday morning
    [InlineData(2026, 11, 23, 12, 30, false)] // Monday lunch
    [InlineData(2026, 11, 29, 1, 59, true)] // Sunday night, in Saturday's overnight range
    [InlineData(2026, 11, 29, 2, 0, false)]
    public void A_destination_is_available_within_its_schedule(int year, int month, int day, int hour, int minute, bool available)
    {
        var settings = ChannelSamples.Full();
        var at = RoutingFixtures.Local(RoutingFixtures.Tokyo, year, month, day, hour, minute);

        var desk = ChannelDecisions.Statuses(settings, NoPresence).Single(s => s.DestinationId == "desk");

        desk.AvailabilityAt(at, RoutingFixtures.Tokyo).IsAvailable.Should().Be(available);
    }

    [Fact]
    public void A_destination_without_presence_is_present_and_presence_marks_it_and_its_staff()
    {
        var settings = ChannelSamples.Settings("a", "b");
        var presence = new Dictionary<string, DestinationPresence> { ["b"] = new("b", false, new HashSet<string> { "kenji" }) };

        var statuses = ChannelDecisions.Statuses(settings, presence);

        statuses.Should().HaveCount(2);
        statuses[0].Should().Match<DestinationStatus>(s => s.DestinationId == "a" && s.Present && s.AvailableStaff.Count == 0);
        statuses[1].Should().Match<DestinationStatus>(s => s.DestinationId == "b" && !s.Present && s.AvailableStaff.Contains("kenji"));
    }

    [Fact]
    public void Auto_messages_keep_switches_and_edited_texts_and_use_the_channels_default_texts()
    {
        var messages = ChannelDecisions.AutoMessages(ChannelSamples.Full());

        messages.Welcome.Should().Be(new AutoMessage(true, "Hello! {staff} will be with you shortly."));
        messages.Away.Should().Be(new AutoMessage(true, Core.Channels.AutoMessages.DefaultAwayText));
        messages.Close.Should().Be(new AutoMessage(false, "Bye"));
        messages.StaffNameFormat.Should().Be(StaffNameFormat.FirstAndLastName);
        messages.Render(AutoMessageKind.Welcome, new StaffName("Aiko", "Tanaka")).Should().Be("Hello! Aiko Tanaka will be with you shortly.");
        messages.Validate().Should().BeEmpty();
    }

    [Fact]
    public void The_policy_takes_the_missed_timeout_and_leaves_auto_close_off()
    {
        var policy = ChannelDecisions.Policy(ChannelSamples.Full());

        policy.MissedTimeout.Should().Be(TimeSpan.FromSeconds(90));
        policy.AutoCloseAfter.Should().BeNull();
        policy.Validate().Should().BeEmpty();
        ChannelDecisions.Policy(ChannelSamples.Settings()).MissedTimeout.Should().Be(EnquiryPolicy.DefaultMissedTimeout);
    }

    [Fact]
    public void Valid_channels_map_to_valid_rules_and_a_time_rule_may_lack_other_times()
    {
        foreach (var settings in new[] { ChannelSamples.Full(), ChannelSamples.Settings("a", "b", "c", "d", "e") })
        {
            ChannelValidation.Validate(settings).Should().BeEmpty();
            ChannelDecisions.Rule(settings).Validate().Should().BeEmpty();
        }

        var time = new ChannelRule
        {
            Kind = RoutingKind.Time,
            TimeWindows = [new ChannelTimeWindow { Days = [DayOfWeek.Sunday], From = new(0, 0), To = new(0, 0), Destination = "a" }],
        };
        ChannelDecisions.Rule(ChannelSamples.Settings("a") with { Routing = time }).Should().BeOfType<TimeRule>().Which.OtherTimes.Should().BeEmpty();
    }
}
