using LineConnector.Core.Channels;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Routing;
using LineConnector.Core.Storage;
using LineConnector.Tests.Channels;
using LineConnector.Tests.Routing;
using LineConnector.Tests.Support;

namespace LineConnector.Tests.Enquiries;

/// <summary>Enquiry handling routes and words its messages by the channel's settings as they are stored: one model, no translation.</summary>
public class EnquiryChannelTests
{
    private static readonly IReadOnlyDictionary<string, DestinationPresence> NoPresence = new Dictionary<string, DestinationPresence>();

    private static EnquiryChannel Channel(ChannelSettings settings, DateTimeOffset at, PresenceStore? presence = null)
    {
        var clock = new TestClock(at);
        return new(new Channel("acme", ChannelStatus.Active, settings, null, null), presence ?? new PresenceStore(new InMemoryTableStore(), clock), new EnquiryOptions(), clock);
    }

    private static async Task<DestinationChoice> Route(ChannelSettings settings, DateTimeOffset at, string enquiryId = "enquiry-1", LastService? last = null, IReadOnlyDictionary<string, DestinationPresence>? presence = null)
    {
        var store = new PresenceStore(new InMemoryTableStore(), new TestClock(at));
        foreach (var p in (presence ?? NoPresence).Values)
        {
            await store.SetAsync("acme", new PresenceUpdate(p.DestinationId, p.Present, p.AvailableStaff.Select(s => new StaffPresence(s, true)).ToList()), default);
        }

        return await Channel(settings, at, store).RouteAsync(enquiryId, last, new HashSet<string>(), freshPresence: true, default);
    }

    [Fact]
    public async Task An_alternative_rule_keeps_the_order_of_its_targets()
    {
        var settings = ChannelSamples.Settings("a", "b", "c") with
        {
            Routing = new RoutingRule { Kind = RoutingKind.Alternative, Targets = [new("c"), new("a"), new("b")] },
        };

        var absent = new Dictionary<string, DestinationPresence> { ["c"] = new("c", false, new HashSet<string>()) };
        var choice = await Route(settings, DateTimeOffset.UnixEpoch, presence: absent);

        choice.Explanation[0].Should().Be("Alternative routing tries the destinations in order: c, a, b.");
        choice.DestinationId.Should().Be("a");
    }

    [Fact]
    public async Task A_percentage_rule_keeps_each_weight()
    {
        var settings = ChannelSamples.Settings("a", "b") with
        {
            Routing = new RoutingRule { Kind = RoutingKind.Percentage, Targets = [new("a", 30), new("b", 70)] },
        };

        (await Route(settings, DateTimeOffset.UnixEpoch)).Explanation[0].Should().Be("Percentage routing splits enquiries: a 30 %, b 70 %.");
    }

    [Fact]
    public async Task A_time_rule_tries_each_windows_destinations_and_the_other_times_in_order()
    {
        var sample = ChannelSamples.Full().Routing.Fallback!;
        var rule = sample with { TimeWindows = [sample.TimeWindows[0], sample.TimeWindows[1] with { Destinations = ["night-desk", "faq-bot"] }] };

        rule.TimeWindows.Select(w => (w.ToString(), string.Join(",", w.Destinations)))
            .Should().Equal(("Mon Tue 09:00–18:00", "desk"), ("Fri 22:00–06:00 (overnight)", "night-desk,faq-bot"));
        rule.OtherTimes.Should().Equal("faq-bot");

        var friday = RoutingFixtures.Local(RoutingFixtures.Tokyo, 2026, 11, 27, 23, 0);
        var nightDeskAway = new Dictionary<string, DestinationPresence> { ["night-desk"] = new("night-desk", false, new HashSet<string>()) };
        var choice = await Route(ChannelSamples.Full() with { Routing = rule }, friday, presence: nightDeskAway);
        choice.DestinationId.Should().Be("faq-bot");
        choice.Explanation.Should().Contain("Window 2 (Fri 22:00–06:00 (overnight)) applies; its destinations are tried in order: night-desk, faq-bot.");
    }

    [Theory]
    [InlineData(2026, 11, 27, 23, 30, "night-desk")] // Friday night
    [InlineData(2026, 11, 28, 5, 59, "night-desk")] // Saturday morning, still Friday's window
    [InlineData(2026, 11, 28, 6, 0, "faq-bot")] // the window ends at 06:00
    [InlineData(2026, 11, 28, 23, 30, "faq-bot")] // Saturday night: the window is Friday's only
    public async Task An_overnight_window_of_the_channel_covers_the_next_morning(int year, int month, int day, int hour, int minute, string expected)
    {
        var settings = ChannelSamples.Full() with { Routing = ChannelSamples.Full().Routing.Fallback! };

        (await Route(settings, RoutingFixtures.Local(RoutingFixtures.Tokyo, year, month, day, hour, minute))).DestinationId.Should().Be(expected);
    }

    [Fact]
    public async Task A_sticky_rule_takes_the_channels_sticky_period()
    {
        var settings = ChannelSamples.Full();
        var at = RoutingFixtures.Local(RoutingFixtures.Tokyo, 2026, 11, 25, 10, 0); // Wednesday: no time window applies
        var presence = new Dictionary<string, DestinationPresence> { ["night-desk"] = new("night-desk", true, new HashSet<string> { "aiko" }) };

        settings.StickyPeriod.Should().Be(TimeSpan.FromDays(7));
        (await Route(settings, at, last: new LastService("night-desk", "aiko", at - TimeSpan.FromDays(6)), presence: presence))
            .Should().Match<DestinationChoice>(c => c.DestinationId == "night-desk" && c.StaffMemberId == "aiko");
        (await Route(settings, at, last: new LastService("night-desk", "aiko", at - TimeSpan.FromDays(7)), presence: presence))
            .DestinationId.Should().Be("faq-bot", "after the sticky period the time rule decides, and on Wednesdays that is the other-times destination");
    }

    [Fact]
    public void A_destinations_schedule_is_one_window_per_day_and_range()
    {
        var desk = ChannelSamples.Full().Destinations.Single(d => d.Id == "desk");

        desk.Schedule!.Windows.Select(w => w.ToString())
            .Should().Equal("Mon 09:00–12:00", "Mon 13:00–18:00", "Sat 22:00–02:00 (overnight)");
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

        var desk = DestinationStatus.Of(settings, NoPresence).Single(s => s.DestinationId == "desk");

        desk.AvailabilityAt(at, RoutingFixtures.Tokyo).IsAvailable.Should().Be(available);
    }

    [Fact]
    public void A_destination_without_presence_is_present_and_presence_marks_it_and_its_staff()
    {
        var settings = ChannelSamples.Settings("a", "b");
        var presence = new Dictionary<string, DestinationPresence> { ["b"] = new("b", false, new HashSet<string> { "kenji" }) };

        var statuses = DestinationStatus.Of(settings, presence);

        statuses.Should().HaveCount(2);
        statuses[0].Should().Match<DestinationStatus>(s => s.DestinationId == "a" && s.Present && s.AvailableStaff.Count == 0);
        statuses[1].Should().Match<DestinationStatus>(s => s.DestinationId == "b" && !s.Present && s.AvailableStaff.Contains("kenji"));
    }

    [Fact]
    public void Auto_messages_keep_switches_and_edited_texts_and_use_the_channels_default_texts()
    {
        var settings = ChannelSamples.Full();
        var messages = settings.AutoMessages;

        messages.Welcome.Should().Be(new AutoMessage(true, "Hello! {staff} will be with you shortly."));
        messages.Away.Should().Be(new AutoMessage(true));
        messages.TextOf(AutoMessageKind.Away).Should().Be(AutoMessages.DefaultAwayText);
        messages.Close.Should().Be(new AutoMessage(false, "Bye"));
        settings.StaffNameFormat.Should().Be(StaffNameFormat.FirstAndLastName);
        Channel(settings, DateTimeOffset.UnixEpoch).AutoMessage(AutoMessageKind.Welcome, new StaffName("Aiko", "Tanaka"))
            .Should().Be("Hello! Aiko Tanaka will be with you shortly.");
        ChannelValidation.Validate(settings).Should().BeEmpty();
    }

    [Fact]
    public void The_lifecycle_takes_the_missed_timeout_and_leaves_auto_close_off()
    {
        var at = new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
        var routed = new DestinationChoice { DestinationId = "desk", Explanation = [] };

        var opened = Channel(ChannelSamples.Full(), at).Lifecycle.ReceiveUserEvent(null, "U1", "e1", _ => routed);
        var byDefault = Channel(ChannelSamples.Settings(), at).Lifecycle.ReceiveUserEvent(null, "U1", "e1", _ => routed);

        opened.Enquiry.AcceptBy.Should().Be(at + TimeSpan.FromSeconds(90));
        opened.Effects.Should().NotContain(e => e is ScheduleAutoCloseCheck);
        byDefault.Enquiry.AcceptBy.Should().Be(at + TimeSpan.FromSeconds(ChannelSettings.DefaultMissedEnquiryTimeoutSeconds));
    }

    [Fact]
    public async Task Valid_channels_are_routed_as_they_are()
    {
        foreach (var settings in new[] { ChannelSamples.Full(), ChannelSamples.Settings("a", "b", "c", "d", "e") })
        {
            ChannelValidation.Validate(settings).Should().BeEmpty();
            (await Route(settings, RoutingFixtures.Local(RoutingFixtures.Tokyo, 2026, 11, 23, 10, 0))).Found.Should().BeTrue();
        }
    }
}
