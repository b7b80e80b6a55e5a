using LineConnector.Core;
using LineConnector.Core.Channels;
using LineConnector.Core.Storage;

namespace LineConnector.Tests.Channels;

public class ChannelRepositoryTests
{
    private readonly InMemoryTableStore _store = new();
    private readonly ChannelRepository _repository;

    public ChannelRepositoryTests()
    {
        _repository = new ChannelRepository(_store);
    }

    private static Channel Channel(string id, ChannelSettings? settings = null) =>
        new(id, ChannelStatus.Active, settings ?? ChannelSamples.Full(), "1657000000", "U0123456789abcdef0123456789abcdef");

    [Fact]
    public async Task A_channel_reads_back_as_it_was_written()
    {
        var channel = Channel("acme");
        var etag = await _repository.CreateAsync(channel, default);

        var stored = await _repository.GetAsync("acme", default);

        stored!.ETag.Should().Be(etag);
        stored.Channel.Should().BeEquivalentTo(channel);
    }

    [Theory]
    [InlineData(RoutingKind.Alternative)]
    [InlineData(RoutingKind.Percentage)]
    public async Task Every_rule_kind_reads_back(RoutingKind kind)
    {
        var settings = ChannelSamples.Settings("a", "b", "c") with
        {
            Routing = new RoutingRule { Kind = kind, Targets = [new("c", kind == RoutingKind.Percentage ? 50 : null), new("a", kind == RoutingKind.Percentage ? 30 : null), new("b", kind == RoutingKind.Percentage ? 20 : null)] },
        };
        await _repository.CreateAsync(Channel("acme", settings), default);

        var stored = await _repository.GetAsync("acme", default);

        stored!.Channel.Settings.Routing.Should().BeEquivalentTo(settings.Routing, o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task Entities_are_flat_with_plain_names()
    {
        await _repository.CreateAsync(Channel("acme"), default);

        var row = await _store.GetAsync("Channels", "channel", "acme", default);
        row!.Properties.Should().Contain(new KeyValuePair<string, object?>("Name", "ご案内 Support"))
            .And.Contain(new KeyValuePair<string, object?>("Status", "active"))
            .And.Contain(new KeyValuePair<string, object?>("RoutingRule", "sticky"))
            .And.Contain(new KeyValuePair<string, object?>("StickyFallbackRule", "time"))
            .And.Contain(new KeyValuePair<string, object?>("MissedEnquiryTimeoutSeconds", 90))
            .And.Contain(new KeyValuePair<string, object?>("WelcomeMessageEnabled", true));
        var desk = await _store.GetAsync("ChannelDestinations", "acme", "desk", default);
        desk!.Properties.Should().Contain(new KeyValuePair<string, object?>("Transport", "service-bus-queue"))
            .And.Contain(new KeyValuePair<string, object?>("ScheduleMon", "09:00-12:00, 13:00-18:00"))
            .And.Contain(new KeyValuePair<string, object?>("ScheduleSat", "22:00-02:00"));
        var window = await _store.GetAsync("ChannelRouting", "acme", "time-02", default);
        window!.Properties.Should().Contain(new KeyValuePair<string, object?>("Days", "fri"))
            .And.Contain(new KeyValuePair<string, object?>("From", "22:00"))
            .And.Contain(new KeyValuePair<string, object?>("To", "06:00"));
        (await _store.GetAsync("ChannelRouting", "acme", "time-other", default))!.Properties["Destination"].Should().Be("faq-bot");
    }

    [Fact]
    public async Task A_time_condition_keeps_its_destinations_in_order_in_one_property()
    {
        var full = ChannelSamples.Full();
        var time = full.Routing.Fallback!;
        var settings = full with
        {
            Routing = time with { TimeWindows = [time.TimeWindows[0] with { Destinations = ["desk", "night-desk", "faq-bot"] }], OtherTimes = ["night-desk", "faq-bot"] },
        };
        await _repository.CreateAsync(Channel("acme", settings), default);

        (await _store.GetAsync("ChannelRouting", "acme", "time-01", default))!.Properties["Destination"].Should().Be("desk, night-desk, faq-bot");
        (await _store.GetAsync("ChannelRouting", "acme", "time-other", default))!.Properties["Destination"].Should().Be("night-desk, faq-bot");
        var stored = await _repository.GetAsync("acme", default);
        stored!.Channel.Settings.Routing.Should().BeEquivalentTo(settings.Routing, o => o.WithStrictOrdering());
    }

    public static TheoryData<string, string, string> TimeDestinationEdits => new()
    {
        { "time-01", "desk,faq-bot", "" },
        { "time-01", " desk , night-desk ,faq-bot ", "" },
        { "time-01", "desk, ghost", "table ChannelRouting, row 'time-01', property Destination: 'ghost' is not one of the channel's destinations" },
        { "time-01", "desk, desk", "table ChannelRouting, row 'time-01', property Destination: 'desk' is listed twice" },
        { "time-other", "a, b, c, d, e, f", "table ChannelRouting, row 'time-other', property Destination: 1 to 5 destinations (got 6)" },
    };

    [Theory]
    [MemberData(nameof(TimeDestinationEdits))]
    public async Task A_time_rows_destination_is_one_id_or_up_to_5_separated_by_commas(string row, string value, string problem)
    {
        await _repository.CreateAsync(Channel("acme"), default);
        await EditAsync("ChannelRouting", "acme", row, p => p["Destination"] = value);

        var read = () => _repository.GetAsync("acme", default);

        if (problem.Length == 0)
        {
            var window = (await read())!.Channel.Settings.Routing.Fallback!.TimeWindows[0];
            window.Destinations.Should().Equal(value.Split(',', StringSplitOptions.TrimEntries));
        }
        else
        {
            (await read.Should().ThrowAsync<ChannelConfigurationException>()).Which.Problems.Select(p => p.ToString()).Should().Contain(problem);
        }
    }

    [Fact]
    public async Task Values_typed_as_strings_in_the_portal_are_read()
    {
        await _repository.CreateAsync(Channel("acme"), default);
        await EditAsync("Channels", "channel", "acme", p =>
        {
            p["MissedEnquiryTimeoutSeconds"] = "120";
            p["AwayMessageEnabled"] = "False";
            p["StickyPeriodMinutes"] = 60L;
        });

        var settings = (await _repository.GetAsync("acme", default))!.Channel.Settings;

        settings.MissedEnquiryTimeoutSeconds.Should().Be(120);
        settings.AutoMessages.Away.Enabled.Should().BeFalse();
        settings.StickyPeriodMinutes.Should().Be(60);
    }

    [Fact]
    public async Task Left_out_optional_properties_take_their_documented_defaults()
    {
        await _store.CreateTableIfNotExistsAsync("Channels", default);
        await _repository.ListAsync(default);
        await _store.InsertAsync("Channels", new TableRow("channel", "bare", new Dictionary<string, object?>
        {
            ["Name"] = "Bare",
            ["Status"] = "active",
            ["TimeZone"] = "Europe/London",
            ["RoutingRule"] = "alternative",
        }), default);
        await _store.InsertAsync("ChannelDestinations", new TableRow("bare", "bot", new Dictionary<string, object?> { ["Kind"] = "bot", ["Transport"] = "https-webhook", ["WebhookUrl"] = "https://bot.example.com/" }), default);
        await _store.InsertAsync("ChannelRouting", new TableRow("bare", "alternative-01", new Dictionary<string, object?> { ["Destination"] = "bot" }), default);

        var channel = (await _repository.GetAsync("bare", default))!.Channel;

        channel.Settings.MissedEnquiryTimeoutSeconds.Should().Be(60);
        channel.Settings.StaffNameFormat.Should().Be(StaffNameFormat.None);
        channel.Settings.CustomInfo.Should().BeEmpty();
        channel.Settings.AutoMessages.WelcomeText.Should().Be(AutoMessages.DefaultWelcomeText);
        channel.BotUserId.Should().BeNull();
    }

    public static TheoryData<string, string, string, object?, string> HandEdits => new()
    {
        { "Channels", "acme", "MissedEnquiryTimeoutSeconds", "sixty", "table Channels, row 'acme', property MissedEnquiryTimeoutSeconds: must be a whole number (got 'sixty')" },
        { "Channels", "acme", "MissedEnquiryTimeoutSeconds", 1.5, "table Channels, row 'acme', property MissedEnquiryTimeoutSeconds: must be a whole number (got Double 1.5)" },
        { "Channels", "acme", "MissedEnquiryTimeoutSeconds", 0, "table Channels, row 'acme', property MissedEnquiryTimeoutSeconds: 1 to 86,400 (got 0)" },
        { "Channels", "acme", "Status", "paused", "table Channels, row 'acme', property Status: must be active, suspended or deleted (got 'paused')" },
        { "Channels", "acme", "Status", null, "table Channels, row 'acme', property Status: required" },
        { "Channels", "acme", "Name", new string('n', 41), "table Channels, row 'acme', property Name: at most 40 characters (got 41)" },
        { "Channels", "acme", "Name", 42, "table Channels, row 'acme', property Name: must be a String (got Int32 42)" },
        { "Channels", "acme", "TimeZone", "Asia/Atlantis", "table Channels, row 'acme', property TimeZone: 'Asia/Atlantis' is not an IANA time zone id (such as Asia/Tokyo)" },
        { "Channels", "acme", "WelcomeMessageEnabled", "yes", "table Channels, row 'acme', property WelcomeMessageEnabled: must be true or false (got 'yes')" },
        { "Channels", "acme", "StaffNameFormat", "nickname", "table Channels, row 'acme', property StaffNameFormat: must be none, first or first-last (got 'nickname')" },
        { "Channels", "acme", "StickyFallbackRule", "sticky", "table Channels, row 'acme', property StickyFallbackRule: must be alternative, percentage or time" },
        { "Channels", "acme", "CloseMessageText", new string('c', 5_000), "table Channels, row 'acme', property CloseMessageText: at most 4,999 characters (got 5,000)" },
        { "ChannelDestinations", "desk", "ScheduleMon", "9 to 5", "table ChannelDestinations, row 'desk', property ScheduleMon: must be ranges of HH:MM-HH:MM separated by commas, e.g. 09:00-12:00, 13:00-18:00 (got '9 to 5')" },
        { "ChannelDestinations", "faq-bot", "WebhookUrl", "http://bot.example.com/", "table ChannelDestinations, row 'faq-bot', property WebhookUrl: must be https:// (http:// only on loopback, for testing), got http://" },
        { "ChannelDestinations", "faq-bot", "Transport", "carrier-pigeon", "table ChannelDestinations, row 'faq-bot', property Transport: must be https-webhook or service-bus-queue (got 'carrier-pigeon')" },
        { "ChannelRouting", "time-01", "From", "9am", "table ChannelRouting, row 'time-01', property From: must be a time of day as HH:MM, 00:00 to 23:59 (got '9am')" },
        { "ChannelRouting", "time-01", "Days", "mon,funday", "table ChannelRouting, row 'time-01', property Days: days are mon, tue, wed, thu, fri, sat or sun, separated by commas (got 'funday')" },
        { "ChannelRouting", "time-02", "Destination", "ghost", "table ChannelRouting, row 'time-02', property Destination: 'ghost' is not one of the channel's destinations" },
        { "ChannelRouting", "time-other", "Destination", null, "table ChannelRouting, row 'time-other', property Destination: required" },
    };

    [Theory]
    [MemberData(nameof(HandEdits))]
    public async Task A_hand_edited_mistake_names_the_channel_row_and_property(string table, string row, string property, object? value, string problem)
    {
        await _repository.CreateAsync(Channel("acme"), default);
        var partition = table == "Channels" ? "channel" : "acme";
        await EditAsync(table, partition, row, p => p[property] = value);

        var read = () => _repository.GetAsync("acme", default);

        var error = (await read.Should().ThrowAsync<ChannelConfigurationException>()).Which;
        error.ChannelId.Should().Be("acme");
        error.Problems.Select(p => p.ToString()).Should().Equal(problem);
        error.Message.Should().StartWith("Channel 'acme' is misconfigured: ").And.Contain(problem);
    }

    [Fact]
    public async Task A_routing_row_with_an_unknown_key_is_reported_not_ignored()
    {
        await _repository.CreateAsync(Channel("acme"), default);
        await _store.InsertAsync("ChannelRouting", new TableRow("acme", "altenative-01", new Dictionary<string, object?> { ["Destination"] = "desk" }), default);

        var error = (await FluentActions.Awaiting(() => _repository.GetAsync("acme", default)).Should().ThrowAsync<ChannelConfigurationException>()).Which;

        error.Problems.Single().ToString().Should().Be("table ChannelRouting, row 'altenative-01': the row key must start with alternative-, percentage-, time- or be time-other");
    }

    [Fact]
    public async Task A_rule_left_without_rows_names_the_rows_to_add()
    {
        await _repository.CreateAsync(Channel("acme", ChannelSamples.Settings("a")), default);
        await _store.DeleteAsync("ChannelRouting", "acme", "alternative-01", "*", default);

        var error = (await FluentActions.Awaiting(() => _repository.GetAsync("acme", default)).Should().ThrowAsync<ChannelConfigurationException>()).Which;

        error.Problems.Single().ToString().Should().Be("table ChannelRouting, row 'alternative-NN': 1 to 5 destinations (got 0)");
    }

    [Fact]
    public async Task Rows_of_another_rule_are_kept_but_not_read()
    {
        await _repository.CreateAsync(Channel("acme", ChannelSamples.Settings("a", "b")), default);
        await _store.InsertAsync("ChannelRouting", new TableRow("acme", "percentage-01", new Dictionary<string, object?> { ["Destination"] = "a", ["Weight"] = 100 }), default);

        var channel = (await _repository.GetAsync("acme", default))!.Channel;

        channel.Settings.Routing.Kind.Should().Be(RoutingKind.Alternative);
        channel.Settings.Routing.Targets.Select(t => t.Destination).Should().Equal("a", "b");
    }

    [Fact]
    public async Task Create_refuses_an_existing_id()
    {
        await _repository.CreateAsync(Channel("acme"), default);

        var again = () => _repository.CreateAsync(Channel("acme"), default);

        (await again.Should().ThrowAsync<DomainException>()).Which.Error.Should().Be(DomainError.Conflict);
    }

    [Fact]
    public async Task Update_with_a_stale_etag_is_refused_and_changes_nothing()
    {
        var first = await _repository.CreateAsync(Channel("acme", ChannelSamples.Settings("a")), default);
        var second = await _repository.UpdateSettingsAsync("acme", ChannelSamples.Settings("b"), first, c => c, default);

        var stale = () => _repository.UpdateSettingsAsync("acme", ChannelSamples.Settings("c"), first, c => c, default);

        (await stale.Should().ThrowAsync<DomainException>()).Which.Error.Should().Be(DomainError.PreconditionFailed);
        var stored = await _repository.GetAsync("acme", default);
        stored!.ETag.Should().Be(second);
        stored.Channel.Settings.Destinations.Select(d => d.Id).Should().Equal("b");
        (await _store.GetAsync("ChannelDestinations", "acme", "a", default)).Should().BeNull("the old destination's row is removed");
    }

    [Fact]
    public async Task Update_keeps_status_and_line_account()
    {
        var etag = await _repository.CreateAsync(Channel("acme"), default);
        etag = await _repository.ChangeAsync("acme", etag, c => c with { Status = ChannelStatus.Suspended }, default);

        await _repository.UpdateSettingsAsync("acme", ChannelSamples.Settings("z"), etag, c => c, default);

        var channel = (await _repository.GetAsync("acme", default))!.Channel;
        channel.Status.Should().Be(ChannelStatus.Suspended);
        channel.BotUserId.Should().Be("U0123456789abcdef0123456789abcdef");
        channel.LineChannelId.Should().Be("1657000000");
    }

    [Fact]
    public async Task Update_of_a_missing_channel_is_not_found()
    {
        var update = () => _repository.UpdateSettingsAsync("ghost", ChannelSamples.Settings(), "*", c => c, default);

        (await update.Should().ThrowAsync<DomainException>()).Which.Error.Should().Be(DomainError.NotFound);
    }

    [Fact]
    public async Task Listing_reports_unreadable_rows_beside_the_good_ones()
    {
        await _repository.CreateAsync(Channel("good"), default);
        await _repository.CreateAsync(Channel("bad"), default);
        await EditAsync("Channels", "channel", "bad", p => p["Status"] = "gone");

        var listing = await _repository.ListAsync(default);

        listing.Channels.Select(c => c.Id).Should().Equal("good");
        listing.Unreadable.Single().ChannelId.Should().Be("bad");
        listing.Unreadable.Single().Problems.Single().Property.Should().Be("Status");
    }

    [Fact]
    public async Task Of_concurrent_claims_on_one_key_exactly_one_wins()
    {
        var claims = Enumerable.Range(0, 8).Select(i => Task.Run(() => _repository.TryClaimAsync(ChannelTables.BotUserPartition, "U1", $"channel-{i}", default)));

        var holders = await Task.WhenAll(claims);

        holders.Count(h => h is null).Should().Be(1, "exactly one claim is made");
        var winner = Enumerable.Range(0, 8).Single(i => holders[i] is null);
        holders.Where(h => h is not null).Should().AllBe($"channel-{winner}");
    }

    [Fact]
    public async Task Release_leaves_another_channels_claim_alone()
    {
        await _repository.TryClaimAsync(ChannelTables.BotUserPartition, "U1", "a", default);

        await _repository.ReleaseAsync(ChannelTables.BotUserPartition, "U1", "b", default);
        (await _repository.TryClaimAsync(ChannelTables.BotUserPartition, "U1", "b", default)).Should().Be("a");

        await _repository.ReleaseAsync(ChannelTables.BotUserPartition, "U1", "a", default);
        (await _repository.TryClaimAsync(ChannelTables.BotUserPartition, "U1", "b", default)).Should().BeNull();
    }

    private async Task EditAsync(string table, string partition, string row, Action<Dictionary<string, object?>> edit)
    {
        var current = await _store.GetAsync(table, partition, row, default);
        var properties = new Dictionary<string, object?>(current!.Properties);
        edit(properties);
        await _store.ReplaceAsync(table, current with { Properties = properties }, "*", default);
    }
}
