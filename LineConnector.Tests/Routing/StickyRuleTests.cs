using LineConnector.Core.Channels;
using LineConnector.Core.Routing;
using static LineConnector.Tests.Routing.RoutingFixtures;

namespace LineConnector.Tests.Routing;

public class StickyRuleTests
{
    private static readonly DateTimeOffset Now = Local(Tokyo, 2024, 6, 3, 10, 0);
    // The sticky period is the request's; its default is the channel's default, 1 day.
    private static readonly RoutingRule Rule = Sticky(Alternative("bot", "desk"));
    private static readonly Router Router = RouterAt(Now);

    private static readonly DestinationStatus Desk = Present("desk") with { AvailableStaff = new HashSet<string> { "s-7" } };

    [Fact]
    public void A_returning_source_goes_back_to_the_destination_and_staff_member_that_served_it()
    {
        var last = new LastService("desk", "s-7", Now - TimeSpan.FromHours(3));

        var choice = Router.Route(Rule, Request("e", Tokyo, [Present("bot"), Desk], last));

        choice.DestinationId.Should().Be("desk");
        choice.StaffMemberId.Should().Be("s-7");
        choice.Explanation.Should().Equal(
            "Sticky routing: this source was last served by desk (staff member s-7) 3 h ago; the sticky period is 1 d.",
            "desk is chosen with staff member s-7: the destination is present and has no schedule and the staff member is available.");
    }

    [Fact]
    public void A_source_never_served_goes_by_the_fallback_rule()
    {
        var choice = Router.Route(Rule, Request("e", Tokyo, [Present("bot"), Desk]));

        choice.DestinationId.Should().Be("bot");
        choice.StaffMemberId.Should().BeNull();
        choice.Explanation.Should().Equal(
            "Sticky routing: this source has not been served before, so the fallback rule decides.",
            "Alternative routing tries the destinations in order: bot, desk.",
            "bot is chosen: it is present and has no schedule.");
    }

    [Fact]
    public void The_sticky_period_ends_exclusively()
    {
        var justInside = new LastService("desk", "s-7", Now - TimeSpan.FromDays(1) + TimeSpan.FromTicks(1));
        var atTheEnd = new LastService("desk", "s-7", Now - TimeSpan.FromDays(1));

        Router.Route(Rule, Request("e", Tokyo, [Present("bot"), Desk], justInside)).DestinationId.Should().Be("desk");
        var expired = Router.Route(Rule, Request("e", Tokyo, [Present("bot"), Desk], atTheEnd));
        expired.DestinationId.Should().Be("bot");
        expired.Explanation.Should().Contain("That is outside the sticky period, so the fallback rule decides.");
    }

    [Fact]
    public void An_unavailable_destination_sends_the_source_to_the_fallback()
    {
        var last = new LastService("desk", "s-7", Now - TimeSpan.FromHours(1));

        var choice = Router.Route(Rule, Request("e", Tokyo, [Present("bot"), Desk with { Present = false }], last));

        choice.DestinationId.Should().Be("bot");
        choice.Explanation.Should().Contain("desk is marked not present, so the fallback rule decides.");
    }

    [Fact]
    public void An_unavailable_staff_member_sends_the_source_to_the_fallback()
    {
        var last = new LastService("desk", "s-9", Now - TimeSpan.FromHours(1));

        var choice = Router.Route(Rule, Request("e", Tokyo, [Absent("bot"), Desk], last));

        choice.DestinationId.Should().Be("desk");
        choice.StaffMemberId.Should().BeNull();
        choice.Explanation.Should().Contain("Staff member s-9 is not available at desk, so the fallback rule decides.");
    }

    [Fact]
    public void A_destination_that_failed_on_this_attempt_is_not_chosen_by_the_fallback_either()
    {
        var last = new LastService("desk", "s-7", Now - TimeSpan.FromHours(1));

        var choice = Router.Route(Rule, Request("e", Tokyo, [Present("bot"), Desk], last, failed: "desk"));

        choice.DestinationId.Should().Be("bot");
        choice.Explanation.Should().Contain("desk answered as unavailable on this attempt, so the fallback rule decides.");
    }

    [Fact]
    public void A_destination_without_staff_sticks_on_its_own()
    {
        var last = new LastService("desk", null, Now - TimeSpan.FromMinutes(5));

        var choice = Router.Route(Rule, Request("e", Tokyo, [Present("bot"), Present("desk")], last));

        choice.DestinationId.Should().Be("desk");
        choice.StaffMemberId.Should().BeNull();
        choice.Explanation.Should().Equal(
            "Sticky routing: this source was last served by desk 5 min ago; the sticky period is 1 d.",
            "desk is chosen: it is present and has no schedule.");
    }

    [Fact]
    public void The_fallback_may_be_a_percentage_or_time_rule()
    {
        var rule = Sticky(Percentage(("bot", 100)));

        var choice = Router.Route(rule, Request("enquiry-1", Tokyo, [Present("bot")]) with { StickyPeriod = TimeSpan.FromHours(8) });

        choice.DestinationId.Should().Be("bot");
        choice.Explanation.Should().Contain("Enquiry enquiry-1 falls in bucket 75.46 of 0.00–99.99 (from the SHA-256 of its id).");
    }
}
