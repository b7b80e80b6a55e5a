using LineConnector.Core.Channels;
using LineConnector.Core.Routing;
using static LineConnector.Tests.Routing.RoutingFixtures;

namespace LineConnector.Tests.Routing;

public class AlternativeRuleTests
{
    private static readonly RoutingRule Rule = Alternative("bot", "desk", "overflow");
    private static readonly Router Router = RouterAt(Local(Tokyo, 2024, 6, 3, 10, 0));

    [Fact]
    public void The_first_available_destination_gets_the_enquiry()
    {
        var choice = Router.Route(Rule, Request("e1", Tokyo, [Present("bot"), Present("desk"), Present("overflow")]));

        choice.DestinationId.Should().Be("bot");
        choice.StaffMemberId.Should().BeNull();
        choice.Explanation.Should().Equal(
            "Alternative routing tries the destinations in order: bot, desk, overflow.",
            "bot is chosen: it is present and has no schedule.");
    }

    [Fact]
    public void An_absent_destination_is_skipped()
    {
        var choice = Router.Route(Rule, Request("e1", Tokyo, [Absent("bot"), Present("desk"), Present("overflow")]));

        choice.DestinationId.Should().Be("desk");
        choice.Explanation.Should().Contain("bot is skipped: it is marked not present.");
    }

    [Fact]
    public void A_destination_that_failed_on_this_attempt_gives_way_to_the_next()
    {
        var destinations = new[] { Present("bot"), Present("desk"), Present("overflow") };

        var first = Router.Route(Rule, Request("e1", Tokyo, destinations));
        var afterBot503 = Router.Route(Rule, Request("e1", Tokyo, destinations, failed: "bot"));
        var afterDesk503Too = Router.Route(Rule, Request("e1", Tokyo, destinations, failed: ["bot", "desk"]));

        first.DestinationId.Should().Be("bot");
        afterBot503.DestinationId.Should().Be("desk");
        afterBot503.Explanation.Should().Contain("bot is skipped: it answered as unavailable on this attempt.");
        afterDesk503Too.DestinationId.Should().Be("overflow");
    }

    [Fact]
    public void A_destination_outside_its_schedule_is_skipped()
    {
        // Monday 2024-06-03 10:00 in Tokyo; the bot works only at weekends.
        var weekendBot = Present("bot") with { Schedule = [WeeklyWindow.Parse([DayOfWeek.Saturday, DayOfWeek.Sunday], "00:00", "24:00")] };

        var choice = Router.Route(Rule, Request("e1", Tokyo, [weekendBot, Present("desk")]));

        choice.DestinationId.Should().Be("desk");
        choice.Explanation.Should().Contain("bot is skipped: it is outside its schedule at Monday 2024-06-03 10:00 in Asia/Tokyo (UTC+09:00).");
    }

    [Fact]
    public void A_destination_the_channel_does_not_have_is_skipped()
    {
        var choice = Router.Route(Rule, Request("e1", Tokyo, [Present("desk")]));

        choice.DestinationId.Should().Be("desk");
        choice.Explanation.Should().Contain("bot is skipped: it is not one of the channel's destinations.");
    }

    [Fact]
    public void No_available_destination_means_no_choice()
    {
        var choice = Router.Route(Rule, Request("e1", Tokyo, [Absent("bot"), Absent("desk"), Present("overflow")], failed: "overflow"));

        choice.Found.Should().BeFalse();
        choice.DestinationId.Should().BeNull();
        choice.Explanation.Should().HaveCount(5).And.EndWith("No destination in the list is available.");
    }

    [Fact]
    public void A_destination_listed_twice_in_the_statuses_is_refused()
    {
        var route = () => Router.Route(Rule, Request("e1", Tokyo, [Present("bot"), Absent("bot")]));

        route.Should().Throw<ArgumentException>().WithMessage("Destination 'bot' is listed more than once.*");
    }
}
