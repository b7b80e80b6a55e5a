using LineConnector.Core.Channels;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Routing;
using LineConnector.Tests.Channels;
using static LineConnector.Tests.Routing.RoutingFixtures;

namespace LineConnector.Tests.Enquiries;

public class WhatIfTests
{
    // Monday 2024-06-03 10:00 in Tokyo.
    private static readonly DateTimeOffset Monday10 = Local(Tokyo, 2024, 6, 3, 10, 0);
    private static readonly AutoMessages WelcomeAndAway = new() { Welcome = new(true), Away = new(true) };
    private static readonly RoutingRule Office = Time([Window(WeeklyWindow.Parse(Weekdays, "09:00", "17:00"), "desk")], "bot");

    /// <summary>A Tokyo channel with the rule, a destination per status and the statuses' presence.</summary>
    private static WhatIfQuestion Question(RoutingRule rule, DateTimeOffset at, params DestinationStatus[] destinations) => new()
    {
        Channel = ChannelSamples.Settings([.. destinations.Select(d => d.DestinationId)]) with { TimeZone = "Asia/Tokyo", Routing = rule, AutoMessages = WelcomeAndAway },
        Presence = destinations.ToDictionary(d => d.DestinationId, d => new DestinationPresence(d.DestinationId, d.Present, d.AvailableStaff)),
        SourceId = "U1",
        At = at,
    };

    [Fact]
    public void A_new_source_is_routed_at_the_given_time_and_welcomed()
    {
        var answer = WhatIf.Answer(Question(Office, Monday10, Present("desk"), Present("bot")));

        answer.DestinationId.Should().Be("desk");
        answer.OpensEnquiry.Should().BeTrue();
        answer.AutoMessages.Should().Equal(AutoMessageKind.Welcome);
        answer.Explanation.Should().Equal(
            "At Monday 2024-06-03 10:00 in Asia/Tokyo (UTC+09:00):",
            "Source U1 has no enquiry that is not closed, so a new message opens one.",
            "Time routing: it is Monday 2024-06-03 10:00 in Asia/Tokyo (UTC+09:00).",
            "Window 1 (Mon Tue Wed Thu Fri 09:00–17:00) applies; its destinations are tried in order: desk.",
            "desk is chosen: it is present and has no schedule.",
            "Auto-messages sent: welcome.");
    }

    [Fact]
    public void The_answer_depends_on_the_time_asked_about()
    {
        WhatIf.Answer(Question(Office, Local(Tokyo, 2024, 6, 8, 10, 0), Present("desk"), Present("bot"))).DestinationId.Should().Be("bot");
    }

    [Fact]
    public void With_nobody_available_the_answer_is_welcome_and_away_and_no_forward()
    {
        var answer = WhatIf.Answer(Question(Office, Monday10, Absent("desk"), Present("bot")));

        answer.DestinationId.Should().BeNull();
        answer.AutoMessages.Should().Equal(AutoMessageKind.Welcome, AutoMessageKind.Away);
        answer.Explanation.Should().Contain("No staff can answer: the enquiry would be missed and the message not forwarded.");
    }

    [Fact]
    public void A_source_with_an_ongoing_enquiry_stays_with_it()
    {
        var ongoing = new Enquiry
        {
            Id = "e1",
            SourceId = "U1",
            State = EnquiryState.Ongoing,
            DestinationId = "bot",
            StaffMemberId = "s-1",
            OpenedAt = Monday10.AddHours(-1),
            LastActivityAt = Monday10.AddMinutes(-5),
        };

        var answer = WhatIf.Answer(Question(Office, Monday10, Present("desk"), Present("bot")) with { CurrentEnquiry = ongoing });

        answer.DestinationId.Should().Be("bot");
        answer.StaffMemberId.Should().Be("s-1");
        answer.OpensEnquiry.Should().BeFalse();
        answer.AutoMessages.Should().BeEmpty();
        answer.Explanation.Should().EndWith("Source U1 has enquiry e1, ongoing with bot (staff member s-1); a new message goes there and is not routed.");
    }

    [Fact]
    public void A_missed_enquiry_without_destination_is_routed_again_under_its_own_id_without_auto_messages()
    {
        var missed = new Enquiry { Id = "enquiry-1", SourceId = "U1", State = EnquiryState.Missed, OpenedAt = Monday10.AddHours(-9), LastActivityAt = Monday10.AddHours(-9) };
        var rule = Percentage(("a", 50), ("b", 30), ("c", 20));

        var answer = WhatIf.Answer(Question(rule, Monday10, Present("a"), Present("b"), Present("c")) with { CurrentEnquiry = missed });

        answer.DestinationId.Should().Be("b", "enquiry-1 is in bucket 75.46");
        answer.OpensEnquiry.Should().BeFalse();
        answer.AutoMessages.Should().BeEmpty();
    }

    [Fact]
    public void A_closed_enquiry_means_a_new_one_opens()
    {
        var closed = new Enquiry { Id = "e1", SourceId = "U1", State = EnquiryState.Closed, DestinationId = "desk", OpenedAt = Monday10.AddDays(-1), LastActivityAt = Monday10.AddDays(-1) };

        var answer = WhatIf.Answer(Question(Office, Monday10, Present("desk")) with { CurrentEnquiry = closed });

        answer.OpensEnquiry.Should().BeTrue();
        answer.DestinationId.Should().Be("desk");
    }

    [Fact]
    public void Percentage_routing_before_the_enquiry_exists_answers_with_each_destinations_chance()
    {
        var rule = Percentage(("a", 50), ("b", 30), ("c", 20));

        var all = WhatIf.Answer(Question(rule, Monday10, Present("a"), Present("b"), Present("c")));
        var bAway = WhatIf.Answer(Question(rule, Monday10, Present("a"), Absent("b"), Present("c")));

        all.DestinationId.Should().BeNull();
        all.Shares.Should().Equal(new DestinationShare("a", 50), new DestinationShare("b", 30), new DestinationShare("c", 20));
        all.AutoMessages.Should().Equal(AutoMessageKind.Welcome);
        bAway.Shares.Select(s => s.DestinationId).Should().Equal("a", "c");
        bAway.Shares[0].Percent.Should().BeApproximately(100.0 * 50 / 70, 0.05);
        bAway.Shares[1].Percent.Should().BeApproximately(100.0 * 20 / 70, 0.05);
        bAway.Shares.Sum(s => s.Percent).Should().BeApproximately(100, 1e-9);
        bAway.Explanation.Should().Contain("b is marked not present.")
            .And.Contain("The choice depends on the enquiry's id, which exists only once the enquiry opens; the chances now are: a 71.43 %, c 28.57 %.");
    }

    [Fact]
    public void Percentage_routing_for_a_known_enquiry_id_replays_the_live_choice()
    {
        var rule = Percentage(("a", 50), ("b", 30), ("c", 20));
        DestinationStatus[] destinations = [Present("a"), Absent("b"), Present("c")];

        var answer = WhatIf.Answer(Question(rule, Monday10, destinations) with { EnquiryId = "enquiry-1" });
        var live = RouterAt(Monday10).Route(rule, Request("enquiry-1", Tokyo, destinations));

        answer.DestinationId.Should().Be("c").And.Be(live.DestinationId);
        answer.Shares.Should().BeEmpty();
        answer.Explanation.Skip(2).Take(live.Explanation.Count).Should().Equal(live.Explanation);
    }

    [Fact]
    public void Sticky_routing_uses_the_sources_last_service()
    {
        var rule = Sticky(Alternative("bot"));
        var desk = Present("desk") with { AvailableStaff = new HashSet<string> { "s-1" } };
        var question = Question(rule, Monday10, desk, Present("bot"));

        var answer = WhatIf.Answer(question with { Channel = question.Channel with { StickyPeriodMinutes = 7 * 24 * 60 }, LastService = new LastService("desk", "s-1", Monday10.AddDays(-2)) });

        answer.DestinationId.Should().Be("desk");
        answer.StaffMemberId.Should().Be("s-1");
    }

    [Fact]
    public void An_invalid_rule_is_refused_when_its_channel_is_written_so_a_what_if_never_meets_it()
    {
        var channel = Question(Alternative(), Monday10, Present("desk")).Channel;

        ChannelValidation.Validate(channel).Should().ContainSingle().Which.Field.Should().Be("routing.targets");
    }
}
