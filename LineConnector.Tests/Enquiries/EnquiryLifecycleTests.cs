using LineConnector.Tests.Support;
using LineConnector.Core.Channels;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Routing;
using LineConnector.Tests.Channels;
using LineConnector.Tests.Routing;

namespace LineConnector.Tests.Enquiries;

public class EnquiryLifecycleTests
{
    private static readonly DateTimeOffset Start = new(2024, 6, 3, 1, 0, 0, TimeSpan.Zero);
    private static readonly AutoMessages AllOn = new() { Welcome = new(true), Away = new(true), Close = new(true) };

    private readonly TestClock _clock = new(Start);
    private readonly List<string> _routedIds = [];

    private EnquiryLifecycle Lifecycle(AutoMessages? messages = null, TimeSpan? autoClose = null, TimeSpan? timeout = null) =>
        new(_clock, ChannelSamples.Settings() with
        {
            AutoMessages = messages ?? AllOn,
            MissedEnquiryTimeoutSeconds = (int)(timeout ?? TimeSpan.FromSeconds(ChannelSettings.DefaultMissedEnquiryTimeoutSeconds)).TotalSeconds,
        }, autoClose);

    private Func<string, DestinationChoice> RouteTo(string? destination, string? staff = null) => id =>
    {
        _routedIds.Add(id);
        return new DestinationChoice { DestinationId = destination, StaffMemberId = staff, Explanation = [$"routed to {destination ?? "nobody"}"] };
    };

    private Enquiry Opened(EnquiryLifecycle? lifecycle = null, string destination = "desk") =>
        (lifecycle ?? Lifecycle()).ReceiveUserEvent(null, "U1", "e1", RouteTo(destination)).Enquiry;

    [Fact]
    public void A_first_message_opens_an_enquiry_welcomes_forwards_and_starts_the_missed_timer()
    {
        var result = Lifecycle().ReceiveUserEvent(null, "U1", "e1", RouteTo("desk"));

        result.Enquiry.Should().BeEquivalentTo(new Enquiry
        {
            Id = "e1",
            SourceId = "U1",
            State = EnquiryState.Open,
            DestinationId = "desk",
            OpenedAt = Start,
            AcceptBy = Start + TimeSpan.FromSeconds(60),
            LastActivityAt = Start,
        });
        result.Effects.Should().Equal(
            new SendAutoMessage(AutoMessageKind.Welcome, null),
            new ForwardEvent("desk", null),
            new ScheduleMissedCheck(Start + TimeSpan.FromSeconds(60)));
        result.Explanation.Should().Equal(
            "Source U1 has no enquiry, so enquiry e1 opens.",
            "routed to desk",
            "The event goes to desk, which has 1 min to accept.");
        _routedIds.Should().Equal("e1");
    }

    [Fact]
    public void With_the_welcome_off_nothing_is_said()
    {
        var result = Lifecycle(new AutoMessages()).ReceiveUserEvent(null, "U1", "e1", RouteTo("desk"));

        result.Effects.Should().Equal(new ForwardEvent("desk", null), new ScheduleMissedCheck(Start + TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public void Sticky_routings_staff_member_goes_along_with_the_event()
    {
        var result = Lifecycle().ReceiveUserEvent(null, "U1", "e1", RouteTo("desk", "s-7"));

        result.Enquiry.StaffMemberId.Should().Be("s-7");
        result.Effects.Should().Contain(new ForwardEvent("desk", "s-7"));
    }

    [Fact]
    public void With_no_destination_available_the_enquiry_is_missed_at_once_with_welcome_and_away_and_nothing_forwarded()
    {
        var result = Lifecycle().ReceiveUserEvent(null, "U1", "e1", RouteTo(null));

        result.Enquiry.State.Should().Be(EnquiryState.Missed);
        result.Enquiry.DestinationId.Should().BeNull();
        result.Effects.Should().Equal(new SendAutoMessage(AutoMessageKind.Welcome, null), new SendAutoMessage(AutoMessageKind.Away, null));
        result.Explanation.Should().EndWith("No staff can answer, so the enquiry is missed and the event is not forwarded.");
        Lifecycle(new AutoMessages()).ReceiveUserEvent(null, "U1", "e1", RouteTo(null)).Effects.Should().BeEmpty();
    }

    [Fact]
    public void The_destination_accepting_makes_it_ongoing()
    {
        var open = Opened();
        _clock.Advance(TimeSpan.FromSeconds(10));

        var result = Lifecycle().Accept(open, "desk");

        result.Enquiry.State.Should().Be(EnquiryState.Ongoing);
        result.Enquiry.AcceptedAt.Should().Be(Start + TimeSpan.FromSeconds(10));
        result.Enquiry.AcceptBy.Should().BeNull();
        result.Effects.Should().BeEmpty();
        Lifecycle().Accept(result.Enquiry, "desk").Enquiry.Should().Be(result.Enquiry, "a later 2xx from the same destination changes nothing");
    }

    [Fact]
    public void A_staff_reply_makes_it_ongoing_with_that_staff_member()
    {
        var open = Opened();
        _clock.Advance(TimeSpan.FromSeconds(20));

        var result = Lifecycle().StaffReplied(open, "s-1", "desk");

        result.Enquiry.State.Should().Be(EnquiryState.Ongoing);
        result.Enquiry.StaffMemberId.Should().Be("s-1");
        result.Enquiry.LastServedAt.Should().Be(Start + TimeSpan.FromSeconds(20));
        Lifecycle().StaffReplied(result.Enquiry, "s-2", null).Enquiry.StaffMemberId.Should().Be("s-2");
    }

    [Fact]
    public void Nobody_accepting_within_the_default_60_seconds_misses_it_and_sends_the_away_message()
    {
        var open = Opened();
        _clock.Advance(TimeSpan.FromSeconds(60) - TimeSpan.FromTicks(1));
        var early = Lifecycle().MissedCheckDue(open);
        _clock.Advance(TimeSpan.FromTicks(1));
        var due = Lifecycle().MissedCheckDue(open);

        early.Enquiry.Should().Be(open);
        early.Effects.Should().Equal(new ScheduleMissedCheck(Start + TimeSpan.FromSeconds(60)));
        due.Enquiry.State.Should().Be(EnquiryState.Missed);
        due.Enquiry.DestinationId.Should().Be("desk", "the destination keeps the enquiry and may still take it up");
        due.Effects.Should().Equal(new SendAutoMessage(AutoMessageKind.Away, null));
        due.Explanation.Should().Equal("Nobody accepted enquiry e1 within 1 min, so it is missed.");
    }

    [Fact]
    public void The_channels_own_timeout_applies()
    {
        var lifecycle = Lifecycle(timeout: TimeSpan.FromMinutes(3));
        var open = Opened(lifecycle);

        open.AcceptBy.Should().Be(Start + TimeSpan.FromMinutes(3));
        _clock.Advance(TimeSpan.FromMinutes(2));
        lifecycle.MissedCheckDue(open).Enquiry.State.Should().Be(EnquiryState.Open);
        _clock.Advance(TimeSpan.FromMinutes(1));
        lifecycle.MissedCheckDue(open).Enquiry.State.Should().Be(EnquiryState.Missed);
    }

    [Fact]
    public void A_missed_check_after_acceptance_does_nothing()
    {
        var ongoing = Lifecycle().Accept(Opened(), "desk").Enquiry;
        _clock.Advance(TimeSpan.FromMinutes(5));

        var result = Lifecycle().MissedCheckDue(ongoing);

        result.Enquiry.Should().Be(ongoing);
        result.Effects.Should().BeEmpty();
        result.Explanation.Should().Equal("Enquiry e1 is ongoing; the missed check has nothing to do.");
    }

    [Fact]
    public void A_missed_enquiry_can_still_be_taken_up()
    {
        var missed = MissedAfterTimeout();

        Lifecycle().Accept(missed, "desk").Enquiry.State.Should().Be(EnquiryState.Ongoing);
        Lifecycle().StaffReplied(missed, "s-1", "desk").Enquiry.State.Should().Be(EnquiryState.Ongoing);
    }

    [Fact]
    public void More_messages_on_a_missed_enquiry_go_to_its_destination_without_a_second_away_message()
    {
        var missed = MissedAfterTimeout();

        var result = Lifecycle().ReceiveUserEvent(missed, "U1", "e2", RouteTo("other"));

        result.Enquiry.State.Should().Be(EnquiryState.Missed);
        result.Effects.Should().Equal(new ForwardEvent("desk", null));
        _routedIds.Should().Equal("e1");
    }

    [Fact]
    public void A_missed_enquiry_without_destination_is_routed_again_on_the_next_message()
    {
        var missed = Lifecycle().ReceiveUserEvent(null, "U1", "e1", RouteTo(null)).Enquiry;
        _clock.Advance(TimeSpan.FromHours(8));

        var stillNobody = Lifecycle().ReceiveUserEvent(missed, "U1", "e2", RouteTo(null));
        var someone = Lifecycle().ReceiveUserEvent(missed, "U1", "e2", RouteTo("desk"));

        stillNobody.Enquiry.State.Should().Be(EnquiryState.Missed);
        stillNobody.Effects.Should().BeEmpty();
        stillNobody.Explanation.Should().EndWith("The event is not forwarded; the away message was already sent.");
        someone.Enquiry.State.Should().Be(EnquiryState.Missed);
        someone.Enquiry.DestinationId.Should().Be("desk");
        someone.Enquiry.LastActivityAt.Should().Be(Start + TimeSpan.FromHours(8));
        someone.Effects.Should().Equal(new ForwardEvent("desk", null));
        _routedIds.Should().Equal("e1", "e1", "e1");
    }

    [Fact]
    public void Messages_on_an_ongoing_enquiry_are_forwarded_without_routing()
    {
        var ongoing = Lifecycle().StaffReplied(Opened(), "s-1", "desk").Enquiry;

        var result = Lifecycle().ReceiveUserEvent(ongoing, "U1", "e2", RouteTo("other"));

        result.Enquiry.State.Should().Be(EnquiryState.Ongoing);
        result.Effects.Should().Equal(new ForwardEvent("desk", "s-1"));
        result.Explanation.Should().Equal("Enquiry e1 is ongoing; the event goes to desk.");
        _routedIds.Should().Equal("e1");
    }

    [Fact]
    public void Closing_sends_the_close_message_with_the_serving_staff_member()
    {
        var ongoing = Lifecycle().StaffReplied(Opened(), "s-1", "desk").Enquiry;
        _clock.Advance(TimeSpan.FromMinutes(10));

        var result = Lifecycle().Close(ongoing, EnquiryCloser.Staff);

        result.Enquiry.State.Should().Be(EnquiryState.Closed);
        result.Enquiry.ClosedAt.Should().Be(Start + TimeSpan.FromMinutes(10));
        result.Enquiry.ClosedBy.Should().Be(EnquiryCloser.Staff);
        result.Effects.Should().Equal(new SendAutoMessage(AutoMessageKind.Close, "s-1"));
        Lifecycle(new AutoMessages()).Close(ongoing, EnquiryCloser.Destination).Effects.Should().BeEmpty();
    }

    [Fact]
    public void Open_and_missed_enquiries_can_be_closed_too()
    {
        Lifecycle().Close(Opened(), EnquiryCloser.Destination).Enquiry.State.Should().Be(EnquiryState.Closed);
        Lifecycle().Close(MissedAfterTimeout(), EnquiryCloser.Staff).Enquiry.State.Should().Be(EnquiryState.Closed);
    }

    [Fact]
    public void A_message_after_the_close_opens_a_new_enquiry()
    {
        var closed = Lifecycle().Close(Opened(), EnquiryCloser.Staff).Enquiry;
        _clock.Advance(TimeSpan.FromDays(2));

        var result = Lifecycle().ReceiveUserEvent(closed, "U1", "e2", RouteTo("bot"));

        result.Enquiry.Id.Should().Be("e2");
        result.Enquiry.State.Should().Be(EnquiryState.Open);
        result.Enquiry.OpenedAt.Should().Be(Start + TimeSpan.FromDays(2));
        result.Effects.Should().StartWith(new SendAutoMessage(AutoMessageKind.Welcome, null));
        result.Explanation[0].Should().Be("Source U1's enquiry e1 is closed, so enquiry e2 opens.");
        _routedIds.Should().Equal("e1", "e2");

        var sameId = () => Lifecycle().ReceiveUserEvent(closed, "U1", "e1", RouteTo("bot"));
        sameId.Should().Throw<ArgumentException>().WithMessage("A new enquiry needs a new id*");
    }

    [Fact]
    public void A_closed_enquiry_refuses_everything_but_a_new_message()
    {
        var closed = Lifecycle().Close(Opened(), EnquiryCloser.Staff).Enquiry;
        var next = new DestinationChoice { DestinationId = "bot", Explanation = [] };

        AssertRefused(() => Lifecycle().Accept(closed, "desk"), "accept", "Enquiry e1 is closed and cannot be accepted.");
        AssertRefused(() => Lifecycle().StaffReplied(closed, "s-1", "desk"), "staff reply",
            "Enquiry e1 is closed; a reply cannot be sent to it. The user's next message opens a new enquiry.");
        AssertRefused(() => Lifecycle().Close(closed, EnquiryCloser.Destination), "close", "Enquiry e1 is already closed (at 2024-06-03T01:00:00.0000000+00:00).");
        AssertRefused(() => Lifecycle().ForwardFailed(closed, next), "forward failed", "Enquiry e1 is closed; nothing is forwarded for it.");

        static void AssertRefused(Func<EnquiryTransition> act, string trigger, string message)
        {
            var refused = act.Should().Throw<EnquiryTransitionException>().Which;
            refused.State.Should().Be(EnquiryState.Closed);
            refused.Trigger.Should().Be(trigger);
            refused.EnquiryId.Should().Be("e1");
            refused.Message.Should().Be(message);
        }
    }

    [Fact]
    public void Another_destination_cannot_accept_or_reply()
    {
        var open = Opened();

        var accept = () => Lifecycle().Accept(open, "other");
        var reply = () => Lifecycle().StaffReplied(open, "s-1", "other");

        accept.Should().Throw<EnquiryTransitionException>().WithMessage("Enquiry e1 is with desk; other cannot accept it.");
        reply.Should().Throw<EnquiryTransitionException>().WithMessage("Enquiry e1 is with desk; other cannot reply to it.");
    }

    [Fact]
    public void A_reply_needs_a_destination_for_the_users_answers()
    {
        var missed = Lifecycle().ReceiveUserEvent(null, "U1", "e1", RouteTo(null)).Enquiry;

        var byOperator = () => Lifecycle().StaffReplied(missed, "s-1", null);
        var byDestination = Lifecycle().StaffReplied(missed, "s-1", "desk");

        byOperator.Should().Throw<EnquiryTransitionException>().WithMessage("Enquiry e1 has no destination*");
        byDestination.Enquiry.DestinationId.Should().Be("desk");
        byDestination.Enquiry.State.Should().Be(EnquiryState.Ongoing);
    }

    [Fact]
    public void A_failed_forward_moves_an_open_enquiry_to_the_next_choice()
    {
        var open = Opened();
        var next = new DestinationChoice { DestinationId = "overflow", Explanation = ["overflow is chosen."] };

        var result = Lifecycle().ForwardFailed(open, next);

        result.Enquiry.State.Should().Be(EnquiryState.Open);
        result.Enquiry.DestinationId.Should().Be("overflow");
        result.Enquiry.AcceptBy.Should().Be(open.AcceptBy, "the time to accept counts from the opening");
        result.Effects.Should().Equal(new ForwardEvent("overflow", null));
        result.Explanation.Should().Equal(
            "desk did not take enquiry e1 on this attempt, so it is routed again.",
            "overflow is chosen.",
            "The event goes to overflow.");
    }

    [Fact]
    public void A_failed_forward_with_nobody_left_misses_the_enquiry_with_the_away_message()
    {
        var result = Lifecycle().ForwardFailed(Opened(), new DestinationChoice { Explanation = [] });

        result.Enquiry.State.Should().Be(EnquiryState.Missed);
        result.Enquiry.DestinationId.Should().BeNull();
        result.Enquiry.AcceptBy.Should().BeNull();
        result.Effects.Should().Equal(new SendAutoMessage(AutoMessageKind.Away, null));
    }

    [Fact]
    public void A_failed_forward_on_a_missed_enquiry_sends_no_second_away_message()
    {
        var result = Lifecycle().ForwardFailed(MissedAfterTimeout(), new DestinationChoice { Explanation = [] });

        result.Enquiry.State.Should().Be(EnquiryState.Missed);
        result.Enquiry.DestinationId.Should().BeNull();
        result.Effects.Should().BeEmpty();
    }

    [Fact]
    public void A_failed_forward_is_refused_for_an_ongoing_enquiry_and_for_the_same_destination_again()
    {
        var ongoing = Lifecycle().Accept(Opened(), "desk").Enquiry;
        var sameAgain = new DestinationChoice { DestinationId = "desk", Explanation = [] };

        var onOngoing = () => Lifecycle().ForwardFailed(ongoing, new DestinationChoice { DestinationId = "bot", Explanation = [] });
        var repeat = () => Lifecycle().ForwardFailed(Opened(), sameAgain);

        onOngoing.Should().Throw<EnquiryTransitionException>().WithMessage("*retry the delivery rather than route it elsewhere.");
        repeat.Should().Throw<ArgumentException>().WithMessage("The next choice is desk again*");
    }

    [Fact]
    public void Auto_close_is_off_by_default()
    {
        var open = Opened();
        _clock.Advance(TimeSpan.FromDays(365));

        Lifecycle().ReceiveUserEvent(null, "U1", "e1", RouteTo("desk")).Effects.Should().NotContain(e => e is ScheduleAutoCloseCheck);
        Lifecycle().AutoCloseCheckDue(open).Enquiry.State.Should().Be(EnquiryState.Open);
    }

    [Fact]
    public void Auto_close_closes_a_quiet_enquiry_and_tells_its_destination()
    {
        var lifecycle = Lifecycle(autoClose: TimeSpan.FromMinutes(30));
        var opening = lifecycle.ReceiveUserEvent(null, "U1", "e1", RouteTo("desk"));
        opening.Effects.Should().EndWith(new ScheduleAutoCloseCheck(Start + TimeSpan.FromMinutes(30)));

        _clock.Advance(TimeSpan.FromMinutes(20));
        var ongoing = lifecycle.StaffReplied(opening.Enquiry, "s-1", "desk").Enquiry;
        _clock.Advance(TimeSpan.FromMinutes(10));
        var early = lifecycle.AutoCloseCheckDue(ongoing);
        _clock.Advance(TimeSpan.FromMinutes(20));
        var due = lifecycle.AutoCloseCheckDue(ongoing);

        early.Enquiry.Should().Be(ongoing);
        early.Effects.Should().Equal(new ScheduleAutoCloseCheck(Start + TimeSpan.FromMinutes(50)));
        due.Enquiry.State.Should().Be(EnquiryState.Closed);
        due.Enquiry.ClosedBy.Should().Be(EnquiryCloser.AutoClose);
        due.Effects.Should().Equal(new SendAutoMessage(AutoMessageKind.Close, "s-1"), new TellDestinationClosed("desk"));
        due.Explanation.Should().Equal("Enquiry e1 was quiet for 30 min, so it is closed automatically.");
        lifecycle.AutoCloseCheckDue(due.Enquiry).Effects.Should().BeEmpty();
    }

    [Fact]
    public void The_last_service_is_who_served_and_when()
    {
        var open = Opened();
        open.AsLastService().Should().BeNull("nobody has served it yet");

        _clock.Advance(TimeSpan.FromMinutes(1));
        var ongoing = Lifecycle().StaffReplied(open, "s-1", "desk").Enquiry;
        ongoing.AsLastService().Should().Be(new LastService("desk", "s-1", Start + TimeSpan.FromMinutes(1)));

        _clock.Advance(TimeSpan.FromMinutes(5));
        Lifecycle().Close(ongoing, EnquiryCloser.Staff).Enquiry.AsLastService()
            .Should().Be(new LastService("desk", "s-1", Start + TimeSpan.FromMinutes(6)));

        var lifecycle = Lifecycle(autoClose: TimeSpan.FromMinutes(1));
        lifecycle.AutoCloseCheckDue(ongoing).Enquiry.AsLastService()
            .Should().Be(new LastService("desk", "s-1", Start + TimeSpan.FromMinutes(1)), "auto-close is not a service");
        Lifecycle().Close(open, EnquiryCloser.Destination).Enquiry.AsLastService().Should().BeNull("a never-accepted enquiry was not served");
    }

    [Fact]
    public void Bad_arguments_are_refused_clearly()
    {
        var open = Opened();

        var otherSource = () => Lifecycle().ReceiveUserEvent(open, "U2", "e2", RouteTo("desk"));
        var undetermined = () => Lifecycle().ReceiveUserEvent(null, "U1", "e1", _ => new DestinationChoice
        {
            Explanation = [],
            Shares = [new DestinationShare("desk", 100)],
        });
        var badChannel = ChannelSamples.Settings() with
        {
            MissedEnquiryTimeoutSeconds = 0,
            AutoMessages = new AutoMessages { Welcome = new(true, "Hello {name}") },
        };
        var badAutoClose = () => new EnquiryLifecycle(_clock, ChannelSamples.Settings(), TimeSpan.Zero);

        otherSource.Should().Throw<ArgumentException>().WithMessage("Enquiry e1 belongs to source U1, not U2.*");
        undetermined.Should().Throw<ArgumentException>().WithMessage("The routing choice must be decided*");
        // A channel is judged when it is written or read, not by each transition.
        string.Join("; ", ChannelValidation.Validate(badChannel))
            .Should().Match("missedEnquiryTimeoutSeconds: 1 to 86,400 (got 0)*autoMessages.welcome.text: unknown placeholder {name}*");
        badAutoClose.Should().Throw<ArgumentException>().WithMessage("Auto-close must be after a positive time, or off.*");
    }

    private Enquiry MissedAfterTimeout()
    {
        var open = Opened();
        _clock.Advance(TimeSpan.FromSeconds(61));
        return Lifecycle().MissedCheckDue(open).Enquiry;
    }
}
