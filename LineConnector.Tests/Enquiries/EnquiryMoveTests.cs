using LineConnector.Core.Channels;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Routing;
using LineConnector.Tests.Channels;
using LineConnector.Tests.Support;

namespace LineConnector.Tests.Enquiries;

/// <summary>The lifecycle's moves between bot and staff, as pure transitions.</summary>
public class EnquiryMoveTests
{
    private readonly TestClock _clock = new();

    /// <summary>faq-bot (bot), desk and night-desk (staff).</summary>
    private EnquiryLifecycle Lifecycle(HandoverSettings? handover = null) =>
        new(_clock, ChannelSamples.Full() with { Handover = handover ?? new HandoverSettings { Message = new AutoMessage(true) } });

    private Enquiry WithBot() => new()
    {
        Id = "acme.1",
        SourceId = "U1",
        State = EnquiryState.Ongoing,
        DestinationId = "faq-bot",
        OpenedAt = _clock.GetUtcNow(),
        LastActivityAt = _clock.GetUtcNow(),
    };

    private static DestinationChoice To(string? destination) => new() { DestinationId = destination, Explanation = [destination is null ? "Nobody is available." : $"{destination} is chosen."] };

    [Fact]
    public void A_handover_opens_the_enquiry_with_staff_and_records_who_when_and_why()
    {
        var t = Lifecycle().HandOver(WithBot(), To("desk"), new MoveRequest("faq-bot", Reason: "asked for a person", Note: "VIP"));

        t.Enquiry.Should().Match<Enquiry>(e => e.State == EnquiryState.Open && e.DestinationId == "desk" && e.AcceptBy == _clock.GetUtcNow() + TimeSpan.FromSeconds(90) && e.WithStaff);
        t.Enquiry.Moves.Should().ContainSingle().Which.Should().Be(new EnquiryMove(1, MoveKind.Handover, _clock.GetUtcNow(), "faq-bot", "desk", "faq-bot", null, "asked for a person", "VIP"));
        t.Effects.Should().Equal(
            new SendMoveMessage(1, MoveMessage.Handover), new TellMove("desk", 1), new TellMove("faq-bot", 1), new ScheduleMissedCheck(_clock.GetUtcNow() + TimeSpan.FromSeconds(90)));
        t.Explanation.Should().Contain("desk is chosen.");
    }

    [Fact]
    public void With_no_staff_the_enquiry_stays_with_the_bot_or_waits_missed_per_the_setting()
    {
        var stays = Lifecycle().HandOver(WithBot(), To(null), new MoveRequest("faq-bot"));
        stays.Enquiry.Should().Match<Enquiry>(e => e.DestinationId == "faq-bot" && e.Moves.Count == 0 && !e.WithStaff);
        stays.Effects.Should().Equal(new SendMoveMessage(1, MoveMessage.Away));

        var waits = Lifecycle(new HandoverSettings { WhenNoStaff = HandoverFallback.Missed }).HandOver(WithBot(), To(null), new MoveRequest("faq-bot"));
        waits.Enquiry.Should().Match<Enquiry>(e => e.State == EnquiryState.Missed && e.DestinationId == null && e.WithStaff && e.Moves[0].To == null);
        waits.Effects.Should().Equal(new SendMoveMessage(1, MoveMessage.Away), new TellMove("faq-bot", 1));
    }

    [Fact]
    public void Staff_transfer_and_hand_back_and_each_move_is_numbered()
    {
        var lifecycle = Lifecycle();
        var handed = lifecycle.HandOver(WithBot(), To("desk"), new MoveRequest("faq-bot")).Enquiry;

        var transferred = lifecycle.Transfer(handed, To("night-desk"), new MoveRequest("desk", "aiko", "night shift"));
        transferred.Enquiry.Should().Match<Enquiry>(e => e.DestinationId == "night-desk" && e.State == EnquiryState.Open);
        transferred.Effects.Should().Equal(new TellMove("night-desk", 2), new ScheduleMissedCheck(_clock.GetUtcNow() + TimeSpan.FromSeconds(90)));

        var back = lifecycle.HandBack(transferred.Enquiry, "faq-bot", new MoveRequest("night-desk", "kenji"));
        back.Enquiry.Should().Match<Enquiry>(e => e.DestinationId == "faq-bot" && e.State == EnquiryState.Ongoing && e.StaffMemberId == null && !e.WithStaff);
        back.Effects.Should().Equal(new TellMove("faq-bot", 3));
        back.Enquiry.Moves.Select(m => (m.Number, m.Kind)).Should().Equal((1, MoveKind.Handover), (2, MoveKind.Transfer), (3, MoveKind.Handback));
    }

    [Fact]
    public void Moves_the_state_does_not_allow_are_refused_with_the_reason()
    {
        var lifecycle = Lifecycle();
        var withStaff = lifecycle.HandOver(WithBot(), To("desk"), new MoveRequest("faq-bot")).Enquiry;

        lifecycle.Invoking(l => l.HandOver(withStaff, To("night-desk"), new MoveRequest("desk"))).Should().Throw<EnquiryTransitionException>().WithMessage("*a staff destination*");
        lifecycle.Invoking(l => l.Transfer(WithBot(), To("desk"), new MoveRequest("faq-bot"))).Should().Throw<EnquiryTransitionException>().WithMessage("*a bot destination*");
        lifecycle.Invoking(l => l.Transfer(withStaff, To(null), new MoveRequest("desk"))).Should().Throw<EnquiryTransitionException>().WithMessage("*stays with desk*");
        lifecycle.Invoking(l => l.HandOver(WithBot() with { State = EnquiryState.Closed }, To("desk"), new MoveRequest("faq-bot"))).Should().Throw<EnquiryTransitionException>().WithMessage("*is closed*");
        lifecycle.Invoking(l => l.HandBack(withStaff, "desk", new MoveRequest("desk"))).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Only_the_latest_moves_are_kept()
    {
        var lifecycle = Lifecycle();
        var enquiry = WithBot();
        for (var i = 0; i < EnquiryMove.MaxKept + 3; i++)
        {
            enquiry = lifecycle.HandOver(enquiry, To("desk"), new MoveRequest("faq-bot")).Enquiry;
            enquiry = lifecycle.HandBack(enquiry, "faq-bot", new MoveRequest("desk")).Enquiry;
        }

        enquiry.Moves.Should().HaveCount(EnquiryMove.MaxKept);
        enquiry.NextMove.Should().Be(2 * (EnquiryMove.MaxKept + 3) + 1);
    }

    [Fact]
    public void Pending_move_effects_read_back_as_written()
    {
        IReadOnlyList<EnquiryEffect> effects = [new SendMoveMessage(2, MoveMessage.Away), new TellMove("desk", 2), new WarnOfExpiry(_clock.GetUtcNow())];

        EffectText.Parse(EffectText.Format(effects)).Should().Equal(effects);
    }
}
