using LineConnector.Core;
using LineConnector.Core.Channels;
using LineConnector.Core.Storage;

namespace LineConnector.Tests.Channels;

public class HandoverSettingsTests
{
    private readonly InMemoryTableStore _store = new();
    private readonly ChannelRepository _repository;

    public HandoverSettingsTests()
    {
        _repository = new ChannelRepository(_store);
    }

    private static ChannelSettings WithHandover(HandoverSettings handover) => ChannelSamples.Full() with { Handover = handover };

    private static Channel Channel(ChannelSettings settings) => new("acme", ChannelStatus.Active, settings, null, null);

    [Fact]
    public async Task A_sticky_handover_rule_reads_back_beside_the_routing_rule()
    {
        var handover = new HandoverSettings
        {
            Rule = new RoutingRule
            {
                Kind = RoutingKind.Sticky,
                Fallback = new RoutingRule
                {
                    Kind = RoutingKind.Time,
                    TimeWindows = [new TimeWindow([DayOfWeek.Monday], new(9, 0), new(18, 0), ["desk", "night-desk"])],
                    OtherTimes = ["night-desk"],
                },
            },
            Message = new AutoMessage(true, "One moment, {staff} takes over."),
            WhenNoStaff = HandoverFallback.Missed,
            HistoryEvents = 5,
            HistoryMinutes = 30,
        };
        var settings = WithHandover(handover);
        await _repository.CreateAsync(Channel(settings), default);

        var stored = (await _repository.GetAsync("acme", default))!.Channel.Settings;

        stored.Handover.Should().BeEquivalentTo(handover, o => o.WithStrictOrdering());
        stored.Routing.Should().BeEquivalentTo(settings.Routing, o => o.WithStrictOrdering());
        var rows = new List<TableRow>();
        await foreach (var row in _store.QueryAsync(ChannelTables.Routing, TableKeyRange.Only("acme"), TableKeyRange.StartingWith("handover-"), default))
        {
            rows.Add(row);
        }

        rows.Select(r => r.RowKey).Should().Equal("handover-time-01", "handover-time-other");
        rows[0].Properties["Destination"].Should().Be("desk, night-desk");
        var channelRow = await _store.GetAsync(ChannelTables.Channels, ChannelTables.ChannelPartition, "acme", default);
        channelRow!.Properties.Should().Contain(new KeyValuePair<string, object?>("HandoverRule", "sticky"))
            .And.Contain(new KeyValuePair<string, object?>("HandoverStickyFallbackRule", "time"))
            .And.Contain(new KeyValuePair<string, object?>("HandoverWhenNoStaff", "missed"))
            .And.Contain(new KeyValuePair<string, object?>("HandoverHistoryEvents", 5));
    }

    [Fact]
    public async Task Left_out_the_handover_settings_are_the_documented_defaults()
    {
        await _repository.CreateAsync(Channel(ChannelSamples.Full()), default);

        var handover = (await _repository.GetAsync("acme", default))!.Channel.Settings.Handover;

        handover.Rule.Should().BeNull();
        handover.Message.Should().Be(new AutoMessage(false, null));
        handover.MessageText.Should().Be("Connecting you with a member of our team. Please wait a moment.");
        handover.WhenNoStaff.Should().Be(HandoverFallback.StayWithBot);
        (handover.HistoryEvents, handover.HistoryMinutes).Should().Be((20, 60));
        handover.RuleOver(ChannelSamples.Full().Destinations).Targets.Select(t => t.Destination).Should().Equal(["desk", "night-desk"], "the staff destinations in order, not the bot");
    }

    [Fact]
    public async Task A_hand_edited_handover_mistake_names_the_row_and_property()
    {
        await _repository.CreateAsync(Channel(ChannelSamples.Full()), default);
        var row = (await _store.GetAsync(ChannelTables.Channels, ChannelTables.ChannelPartition, "acme", default))!;
        var edited = new Dictionary<string, object?>(row.Properties) { ["HandoverWhenNoStaff"] = "wait", ["HandoverRule"] = "alternative" };
        await _store.UpsertAsync(ChannelTables.Channels, row with { Properties = edited }, default);
        await _store.UpsertAsync(ChannelTables.Routing, new TableRow("acme", "handover-alternative-01", new Dictionary<string, object?> { ["Destination"] = "faq-bot" }), default);

        var read = () => _repository.GetAsync("acme", default);

        var problems = (await read.Should().ThrowAsync<ChannelConfigurationException>()).Which.Problems.Select(p => p.ToString()).ToList();
        problems.Should().Contain(p => p.Contains("property HandoverWhenNoStaff", StringComparison.Ordinal) && p.Contains("stay-with-bot or missed", StringComparison.Ordinal));
    }

    [Fact]
    public void Validation_refuses_a_bot_in_the_handover_rule_and_history_out_of_range()
    {
        var settings = WithHandover(new HandoverSettings
        {
            Rule = new RoutingRule { Kind = RoutingKind.Alternative, Targets = [new RoutingTarget("faq-bot")] },
            HistoryEvents = 51,
            HistoryMinutes = 0,
            Message = new AutoMessage(true, "Hi {name}"),
        });

        var errors = ChannelValidation.Validate(settings);

        errors.Select(e => e.Field).Should().BeEquivalentTo(
            ["handover.rule.targets[0].destination", "handover.historyEvents", "handover.historyMinutes", "handover.message.text"]);
    }
}
