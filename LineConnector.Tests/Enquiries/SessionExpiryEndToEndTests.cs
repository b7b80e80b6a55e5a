using LineConnector.Core.Channels;
using LineConnector.Core.Destinations;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Storage;
using LineConnector.Tests.Channels;
using static LineConnector.Tests.Enquiries.EnquiryWorld;

namespace LineConnector.Tests.Enquiries;

/// <summary>Local mode end to end: a channel's session expiry warns a quiet enquiry, then closes it (DESIGN §5, Conversation control).</summary>
public class SessionExpiryEndToEndTests
{
    [Fact]
    public async Task An_idle_enquiry_gets_the_warning_then_the_close_message_and_its_destination_is_told()
    {
        await using var world = await StartAsync(new Dictionary<string, string?>
        {
            [$"Channels:{EnquiryWorld.Channel}:SessionIdleSeconds"] = "3",
            [$"Channels:{EnquiryWorld.Channel}:SessionWarningSeconds"] = "2",
            [$"Channels:{EnquiryWorld.Channel}:SessionWarningText"] = "Still there? This chat closes soon.",
        });
        await world.PostWebhookAsync(Text(User(1), "01EXPIRY00000000000000001"));
        var id = EnquiryIds.For(EnquiryWorld.Channel, User(1), "01EXPIRY00000000000000001");

        var notice = await world.EventuallyAsync(() => world.Received("desk").Select(r => r.Message).FirstOrDefault(m => m.Kind == DestinationMessage.ClosedKind), "the closed notice");

        notice.Id.Should().Be($"closed-{id}");
        var texts = world.Outbound().Select(o => (o.OutboundId, Text: Texts(o).Single())).ToList();
        texts.Select(t => t.Text).Should().Equal(AutoMessages.DefaultWelcomeText, "Still there? This chat closes soon.", "Thank you. closed this enquiry.");
        texts[1].OutboundId.Should().StartWith($"{id}:expiry-warning-");
        texts[2].OutboundId.Should().Be($"{id}:close");
        var closed = await world.EnquiryAsync(id);
        closed.Should().Match<EnquiryResource>(e => e.State == "closed" && e.ClosedBy == "auto-close");
        (closed.ClosedAt!.Value - closed.OpenedAt).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task The_channels_setting_overrides_the_app_wide_one_which_applies_where_a_channel_sets_none()
    {
        var clock = new Support.TestClock();
        var off = new EnquiryLifecycle(clock, ChannelSamples.Full() with { SessionExpiry = new SessionExpirySettings { IdleSeconds = 0 } }, TimeSpan.FromMinutes(5));
        var carried = new EnquiryLifecycle(clock, ChannelSamples.Full(), TimeSpan.FromMinutes(5));

        off.ReceiveUserEvent(null, "U1", "acme.1", _ => Routed()).Effects.OfType<ScheduleAutoCloseCheck>().Should().BeEmpty("0 switches it off on this channel");
        carried.ReceiveUserEvent(null, "U1", "acme.1", _ => Routed()).Effects.OfType<ScheduleAutoCloseCheck>().Should().ContainSingle()
            .Which.At.Should().Be(clock.GetUtcNow() + TimeSpan.FromMinutes(5), "left out, the app's Enquiries__AutoCloseAfter applies");
    }

    [Fact]
    public void The_warning_goes_once_per_quiet_period_and_activity_moves_it()
    {
        var clock = new Support.TestClock();
        var lifecycle = new EnquiryLifecycle(clock, ChannelSamples.Full() with { SessionExpiry = new SessionExpirySettings { IdleSeconds = 600, WarningSeconds = 60 } });
        var opened = lifecycle.ReceiveUserEvent(null, "U1", "acme.1", _ => Routed());
        opened.Effects.OfType<ScheduleAutoCloseCheck>().Single().At.Should().Be(clock.GetUtcNow() + TimeSpan.FromSeconds(540));

        clock.Advance(TimeSpan.FromSeconds(540));
        var warned = lifecycle.AutoCloseCheckDue(opened.Enquiry);
        warned.Effects.Should().Equal(new WarnOfExpiry(opened.Enquiry.LastActivityAt), new ScheduleAutoCloseCheck(opened.Enquiry.LastActivityAt + TimeSpan.FromSeconds(600)));
        lifecycle.AutoCloseCheckDue(warned.Enquiry).Effects.Should().Equal([new ScheduleAutoCloseCheck(opened.Enquiry.LastActivityAt + TimeSpan.FromSeconds(600))], "warned once");

        clock.Advance(TimeSpan.FromSeconds(30));
        var active = lifecycle.ReceiveUserEvent(warned.Enquiry, "U1", "acme.2", _ => Routed()).Enquiry;
        lifecycle.AutoCloseCheckDue(active).Effects.Should().Equal([new ScheduleAutoCloseCheck(active.LastActivityAt + TimeSpan.FromSeconds(540))], "the user's message starts a new quiet period");

        clock.Advance(TimeSpan.FromSeconds(600));
        lifecycle.AutoCloseCheckDue(active).Enquiry.Should().Match<Enquiry>(e => e.State == EnquiryState.Closed && e.ClosedBy == EnquiryCloser.AutoClose);
    }

    [Fact]
    public async Task Session_expiry_reads_back_from_its_table_properties_and_a_warning_not_before_the_close_is_refused()
    {
        var store = new InMemoryTableStore();
        var repository = new ChannelRepository(store);
        var expiry = new SessionExpirySettings { IdleSeconds = 1800, WarningSeconds = 300, WarningText = "Closing in 5 minutes." };
        await repository.CreateAsync(new Channel("acme", ChannelStatus.Active, ChannelSamples.Full() with { SessionExpiry = expiry }, null, null), default);

        (await repository.GetAsync("acme", default))!.Channel.Settings.SessionExpiry.Should().Be(expiry);
        var row = await store.GetAsync(ChannelTables.Channels, ChannelTables.ChannelPartition, "acme", default);
        row!.Properties.Should().Contain(new KeyValuePair<string, object?>("SessionIdleSeconds", 1800)).And.Contain(new KeyValuePair<string, object?>("SessionWarningSeconds", 300));

        ChannelValidation.Validate(ChannelSamples.Full() with { SessionExpiry = new SessionExpirySettings { IdleSeconds = 60, WarningSeconds = 60, WarningText = "Bye {staff}" } })
            .Select(e => e.Field).Should().BeEquivalentTo(["sessionExpiry.warningSeconds", "sessionExpiry.warningText"]);
    }

    private static Core.Routing.DestinationChoice Routed() => new() { DestinationId = "desk", Explanation = [] };
}
