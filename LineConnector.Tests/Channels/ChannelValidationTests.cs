using LineConnector.Core.Channels;

namespace LineConnector.Tests.Channels;

public class ChannelValidationTests
{
    private static IReadOnlyList<string> Errors(ChannelSettings settings) => ChannelValidation.Validate(settings).Select(e => e.ToString()).ToList();

    [Fact]
    public void The_samples_are_valid()
    {
        Errors(ChannelSamples.Settings()).Should().BeEmpty();
        Errors(ChannelSamples.Full()).Should().BeEmpty();
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(40, true)]
    [InlineData(41, false)]
    public void Name_is_1_to_40_characters(int length, bool valid)
    {
        var errors = Errors(ChannelSamples.Settings() with { Name = new string('n', length) });

        if (valid)
        {
            errors.Should().BeEmpty();
        }
        else
        {
            errors.Should().Equal($"name: at most 40 characters (got {length})");
        }
    }

    [Fact]
    public void Name_counts_utf16_code_units_like_line()
    {
        // 20 emoji are 40 UTF-16 code units; one more character is 41.
        var emoji = string.Concat(Enumerable.Repeat("😀", 20));
        Errors(ChannelSamples.Settings() with { Name = emoji }).Should().BeEmpty();
        Errors(ChannelSamples.Settings() with { Name = emoji + "a" }).Should().Equal("name: at most 40 characters (got 41)");
    }

    [Fact]
    public void Name_is_required_and_not_blank()
    {
        Errors(ChannelSamples.Settings() with { Name = "" }).Should().Equal("name: required: 1 to 40 characters");
        Errors(ChannelSamples.Settings() with { Name = "   " }).Should().Equal("name: must not be blank");
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(10_000, true)]
    [InlineData(10_001, false)]
    public void Custom_info_is_up_to_10000_characters(int length, bool valid)
    {
        var errors = Errors(ChannelSamples.Settings() with { CustomInfo = new string('i', length) });

        if (valid)
        {
            errors.Should().BeEmpty();
        }
        else
        {
            errors.Should().Equal("customInfo: at most 10,000 characters (got 10,001)");
        }
    }

    [Theory]
    [InlineData("Asia/Tokyo", true)]
    [InlineData("Europe/London", true)]
    [InlineData("UTC", true)]
    [InlineData("Asia/Atlantis", false)]
    [InlineData("Tokyo Standard Time", false)]
    [InlineData("+09:00", false)]
    public void Time_zone_is_an_iana_id(string timeZone, bool valid)
    {
        var errors = Errors(ChannelSamples.Settings() with { TimeZone = timeZone });

        if (valid)
        {
            errors.Should().BeEmpty();
        }
        else
        {
            errors.Should().Equal($"timeZone: '{timeZone}' is not an IANA time zone id (such as Asia/Tokyo)");
        }
    }

    [Fact]
    public void Time_zone_is_required()
    {
        Errors(ChannelSamples.Settings() with { TimeZone = "" }).Should().Equal("timeZone: required: an IANA time zone id such as Asia/Tokyo");
    }

    [Theory]
    [InlineData(5, true)]
    [InlineData(6, false)]
    public void Alternative_takes_up_to_5_destinations(int count, bool valid)
    {
        var ids = Enumerable.Range(1, count).Select(i => $"d{i}").ToArray();
        var errors = Errors(ChannelSamples.Settings(ids));

        if (valid)
        {
            errors.Should().BeEmpty();
        }
        else
        {
            errors.Should().Equal("routing.targets: 1 to 5 destinations (got 6)");
        }
    }

    [Fact]
    public void Alternative_needs_a_destination_and_no_weights()
    {
        var settings = ChannelSamples.Settings("a", "b");
        Errors(settings with { Routing = settings.Routing with { Targets = [] } }).Should().Equal("routing.targets: 1 to 5 destinations (got 0)");
        Errors(settings with { Routing = settings.Routing with { Targets = [new("a", 50), new("b")] } })
            .Should().Equal("routing.targets[0].weight: only for the percentage rule");
    }

    [Theory]
    [InlineData(new[] { 50, 49 }, "routing.targets: weights must sum to 100 (got 99)")]
    [InlineData(new[] { 50, 50 })]
    [InlineData(new[] { 50, 51 }, "routing.targets: weights must sum to 100 (got 101)")]
    [InlineData(new[] { 100 })]
    [InlineData(new[] { 20, 20, 20, 20, 20 })]
    [InlineData(new[] { 0, 100 }, "routing.targets[0].weight: 1 to 100 (got 0)")]
    [InlineData(new[] { 101 }, "routing.targets[0].weight: 1 to 100 (got 101)", "routing.targets: weights must sum to 100 (got 101)")]
    public void Percentage_weights_are_1_to_100_and_sum_to_100(int[] weights, params string[] expected)
    {
        var ids = weights.Select((_, i) => $"d{i}").ToArray();
        var settings = ChannelSamples.Settings(ids) with
        {
            Routing = new RoutingRule { Kind = RoutingKind.Percentage, Targets = weights.Select((w, i) => new RoutingTarget($"d{i}", w)).ToList() },
        };

        Errors(settings).Should().Equal(expected);
    }

    [Fact]
    public void Percentage_takes_up_to_5_destinations_and_needs_every_weight()
    {
        var ids = Enumerable.Range(1, 6).Select(i => $"d{i}").ToArray();
        var six = ChannelSamples.Settings(ids) with
        {
            Routing = new RoutingRule { Kind = RoutingKind.Percentage, Targets = [new("d1", 20), new("d2", 20), new("d3", 20), new("d4", 20), new("d5", 10), new("d6", 10)] },
        };
        Errors(six).Should().Equal("routing.targets: 1 to 5 destinations (got 6)");

        var missing = ChannelSamples.Settings("a", "b") with { Routing = new RoutingRule { Kind = RoutingKind.Percentage, Targets = [new("a", 100), new("b")] } };
        Errors(missing).Should().Equal("routing.targets[1].weight: required: 1 to 100");
    }

    [Fact]
    public void Routing_refers_to_existing_destinations_once()
    {
        var settings = ChannelSamples.Settings("a") with { Routing = new RoutingRule { Kind = RoutingKind.Alternative, Targets = [new("a"), new("ghost"), new("a")] } };

        Errors(settings).Should().Equal(
            "routing.targets[1].destination: 'ghost' is not one of the channel's destinations",
            "routing.targets[2].destination: 'a' is listed twice");
    }

    [Fact]
    public void Time_rule_needs_windows_with_days_and_an_other_times_destination()
    {
        var settings = ChannelSamples.Settings("a") with
        {
            Routing = new RoutingRule
            {
                Kind = RoutingKind.Time,
                TimeWindows = [new TimeWindow([], new(9, 0), new(17, 0), ["a"]), new TimeWindow([DayOfWeek.Monday, DayOfWeek.Monday], new(9, 0), new(17, 0), ["b"])],
            },
        };

        Errors(settings).Should().Equal(
            "routing.timeWindows[0].days: at least 1 day: mon, tue, wed, thu, fri, sat or sun",
            "routing.timeWindows[1].days: a day is listed twice",
            "routing.timeWindows[1].destinations[0]: 'b' is not one of the channel's destinations",
            "routing.otherTimes: 1 to 5 destinations (got 0)");

        Errors(settings with { Routing = new RoutingRule { Kind = RoutingKind.Time, OtherTimes = ["a"] } })
            .Should().Equal("routing.timeWindows: at least 1 time window");
    }

    [Theory]
    [InlineData(5, true)]
    [InlineData(6, false)]
    public void A_time_window_and_the_other_times_take_up_to_5_destinations_tried_in_order(int count, bool valid)
    {
        var ids = Enumerable.Range(1, count).Select(i => $"d{i}").ToArray();
        var settings = ChannelSamples.Settings(ids) with
        {
            Routing = new RoutingRule { Kind = RoutingKind.Time, TimeWindows = [new TimeWindow([DayOfWeek.Monday], new(9, 0), new(17, 0), ids)], OtherTimes = ids },
        };

        Errors(settings).Should().Equal(valid ? [] : ["routing.timeWindows[0].destinations: 1 to 5 destinations (got 6)", "routing.otherTimes: 1 to 5 destinations (got 6)"]);
    }

    [Fact]
    public void Sticky_needs_a_non_sticky_fallback()
    {
        var settings = ChannelSamples.Settings("a");
        Errors(settings with { Routing = new RoutingRule { Kind = RoutingKind.Sticky } })
            .Should().Equal("routing.fallback: required for the sticky rule: alternative, percentage or time");
        Errors(settings with { Routing = new RoutingRule { Kind = RoutingKind.Sticky, Fallback = new RoutingRule { Kind = RoutingKind.Sticky } } })
            .Should().Equal("routing.fallback.kind: must be alternative, percentage or time");
        Errors(settings with { Routing = new RoutingRule { Kind = RoutingKind.Sticky, Fallback = new RoutingRule { Kind = RoutingKind.Alternative, Targets = [new("a"), new("b")] } } })
            .Should().Equal("routing.fallback.targets[1].destination: 'b' is not one of the channel's destinations");
    }

    [Fact]
    public void Members_of_another_rule_kind_are_refused()
    {
        var settings = ChannelSamples.Settings("a");
        var mixed = settings.Routing with
        {
            TimeWindows = [new TimeWindow([DayOfWeek.Monday], new(9, 0), new(17, 0), ["a"])],
            OtherTimes = ["a"],
            Fallback = settings.Routing,
        };

        Errors(settings with { Routing = mixed }).Should().Equal(
            "routing.timeWindows: only for the time rule",
            "routing.otherTimes: only for the time rule",
            "routing.fallback: only for the sticky rule");
    }

    [Theory]
    [InlineData(4_999, true)]
    [InlineData(5_000, false)]
    public void Auto_message_text_fits_one_line_text_message(int length, bool valid)
    {
        var settings = ChannelSamples.Settings() with { AutoMessages = new AutoMessages { Away = new AutoMessage(true, new string('a', length)) } };
        var errors = Errors(settings);

        if (valid)
        {
            errors.Should().BeEmpty();
        }
        else
        {
            errors.Should().Equal("autoMessages.away.text: at most 4,999 characters (got 5,000)");
        }
    }

    [Fact]
    public void Auto_message_text_may_hold_only_the_staff_placeholder()
    {
        var withStaff = ChannelSamples.Settings() with { AutoMessages = new AutoMessages { Close = new AutoMessage(true, "Thanks, {staff} here.") } };
        var withName = ChannelSamples.Settings() with { AutoMessages = new AutoMessages { Welcome = new AutoMessage(true, "Hello {name}, {staff} will help") } };

        Errors(withStaff).Should().BeEmpty();
        Errors(withName).Should().Equal("autoMessages.welcome.text: unknown placeholder {name}; only {staff} is replaced");
    }

    [Fact]
    public void Auto_messages_default_their_text_when_it_is_left_out()
    {
        var messages = new AutoMessages { Welcome = new AutoMessage(true), Close = new AutoMessage(true, "See you") };

        messages.WelcomeText.Should().Be(AutoMessages.DefaultWelcomeText);
        messages.AwayText.Should().Be(AutoMessages.DefaultAwayText);
        messages.CloseText.Should().Be("See you");
        Errors(ChannelSamples.Settings() with { AutoMessages = messages with { Welcome = new AutoMessage(true, "") } })
            .Should().Equal("autoMessages.welcome.text: must not be empty; leave it out for the default text");
    }

    [Theory]
    [InlineData(0, "missedEnquiryTimeoutSeconds: 1 to 86,400 (got 0)")]
    [InlineData(1, null)]
    [InlineData(86_400, null)]
    [InlineData(86_401, "missedEnquiryTimeoutSeconds: 1 to 86,400 (got 86,401)")]
    public void Missed_enquiry_timeout_is_1_second_to_1_day(int seconds, string? expected)
    {
        Errors(ChannelSamples.Settings() with { MissedEnquiryTimeoutSeconds = seconds }).Should().Equal(expected is null ? [] : [expected]);
    }

    [Theory]
    [InlineData(0, "stickyPeriodMinutes: 1 to 525,600 (got 0)")]
    [InlineData(1, null)]
    [InlineData(525_600, null)]
    [InlineData(525_601, "stickyPeriodMinutes: 1 to 525,600 (got 525,601)")]
    public void Sticky_period_is_1_minute_to_365_days(int minutes, string? expected)
    {
        Errors(ChannelSamples.Settings() with { StickyPeriodMinutes = minutes }).Should().Equal(expected is null ? [] : [expected]);
    }

    [Fact]
    public void Defaults_are_60_seconds_and_no_staff_name()
    {
        var settings = ChannelSamples.Settings();

        settings.MissedEnquiryTimeout.Should().Be(TimeSpan.FromSeconds(60));
        settings.StaffNameFormat.Should().Be(StaffNameFormat.None);
        settings.AutoMessages.Welcome.Enabled.Should().BeFalse();
    }

    [Theory]
    [InlineData("https://bot.example.com/line", null)]
    [InlineData("http://127.0.0.1:5000/line", null)]
    [InlineData("http://localhost:5000/line", null)]
    [InlineData("http://[::1]:5000/line", null)]
    [InlineData("http://bot.example.com/line", "destinations[0].webhookUrl: must be https:// (http:// only on loopback, for testing), got http://")]
    [InlineData("ftp://bot.example.com/line", "destinations[0].webhookUrl: must be https:// (http:// only on loopback, for testing), got ftp://")]
    public void Webhook_destinations_use_https(string url, string? expected)
    {
        var settings = ChannelSamples.Settings("bot");
        settings = settings with { Destinations = [settings.Destinations[0] with { WebhookUrl = new Uri(url) }] };

        Errors(settings).Should().Equal(expected is null ? [] : [expected]);
    }

    [Theory]
    [InlineData(2_000, true)]
    [InlineData(2_001, false)]
    public void Webhook_url_is_at_most_2000_characters(int length, bool valid)
    {
        const string prefix = "https://bot.example.com/";
        var url = new Uri(prefix + new string('p', length - prefix.Length));
        var settings = ChannelSamples.Settings("bot");
        settings = settings with { Destinations = [settings.Destinations[0] with { WebhookUrl = url }] };

        Errors(settings).Should().Equal(valid ? [] : [$"destinations[0].webhookUrl: at most 2,000 characters (got 2,001)"]);
    }

    [Fact]
    public void Destinations_need_the_fields_of_their_transport_and_unique_ids()
    {
        var settings = ChannelSamples.Settings("a") with
        {
            Destinations =
            [
                new Destination { Id = "a", Kind = DestinationKind.Bot, Transport = DestinationTransport.HttpsWebhook, QueueName = "q" },
                new Destination { Id = "a", Kind = DestinationKind.Staff, Transport = DestinationTransport.ServiceBusQueue, QueueName = "-bad", WebhookUrl = new Uri("https://x.example.com/") },
                new Destination { Id = "has space", Kind = DestinationKind.Staff, Transport = DestinationTransport.ServiceBusQueue },
            ],
        };

        Errors(settings).Should().Equal(
            "destinations[0].webhookUrl: required for the https-webhook transport",
            "destinations[0].queueName: only for the service-bus-queue transport",
            "destinations[1].queueName: a Service Bus queue name: 1 to 260 letters, digits, '.', '-', '_' or '/', starting and ending with a letter or digit (got '-bad')",
            "destinations[1].webhookUrl: only for the https-webhook transport",
            "destinations[1].id: 'a' is used by another destination of this channel",
            "destinations[2].id: 1 to 64 characters of ASCII letters, digits, '-' and '_' (got 'has space')",
            "destinations[2].queueName: required for the service-bus-queue transport");
    }

    [Fact]
    public void Schedules_list_open_days_with_hours()
    {
        var settings = ChannelSamples.Settings("a");
        var empty = new WeeklySchedule { Days = new Dictionary<DayOfWeek, IReadOnlyList<TimeRange>>() };
        var closedDay = new WeeklySchedule { Days = new Dictionary<DayOfWeek, IReadOnlyList<TimeRange>> { [DayOfWeek.Sunday] = [] } };

        Errors(settings with { Destinations = [settings.Destinations[0] with { Schedule = empty }] })
            .Should().Equal("destinations[0].schedule: at least 1 day with opening hours; leave the schedule out for a destination open at all times");
        Errors(settings with { Destinations = [settings.Destinations[0] with { Schedule = closedDay }] })
            .Should().Equal("destinations[0].schedule.sun: at least 1 range of hours (HH:MM-HH:MM); leave a closed day out");
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("Acme_support-2", true)]
    [InlineData("", false)]
    [InlineData("a/b", false)]
    [InlineData("ü", false)]
    public void Ids_follow_the_channel_id_rules(string id, bool valid)
    {
        ChannelValidation.ValidateId(id).Should().HaveCount(valid ? 0 : 1);
    }

    [Theory]
    [InlineData(64, true)]
    [InlineData(65, false)]
    public void Ids_are_at_most_64_characters(int length, bool valid)
    {
        ChannelValidation.ValidateId(new string('c', length)).Select(e => e.ToString())
            .Should().Equal(valid ? [] : ["id: 1 to 64 characters of ASCII letters, digits, '-' and '_' (got 65 characters)"]);
    }

    [Fact]
    public void Every_failure_is_reported_at_once()
    {
        var settings = ChannelSamples.Settings() with { Name = new string('n', 41), CustomInfo = new string('i', 10_001), TimeZone = "Mars/Olympus", MissedEnquiryTimeoutSeconds = 0 };

        Errors(settings).Should().HaveCount(4);
    }

    [Fact]
    public void A_prefix_names_fields_inside_a_request()
    {
        ChannelValidation.Validate(ChannelSamples.Settings() with { Name = "" }, "settings.").Single().Field.Should().Be("settings.name");
    }

    [Theory]
    [InlineData("09:00-18:00", 9, 0, 18, 0)]
    [InlineData(" 22:30 - 06:00 ", 22, 30, 6, 0)]
    [InlineData("00:00-00:00", 0, 0, 0, 0)]
    public void Time_ranges_parse_hh_mm(string text, int fh, int fm, int th, int tm)
    {
        TimeRange.TryParse(text, out var range).Should().BeTrue();
        range.Should().Be(new TimeRange(new TimeOnly(fh, fm), new TimeOnly(th, tm)));
    }

    [Theory]
    [InlineData("9-18")]
    [InlineData("24:00-01:00")]
    [InlineData("09:00")]
    [InlineData("09:00-18:00-19:00")]
    [InlineData("")]
    public void Malformed_time_ranges_do_not_parse(string text)
    {
        TimeRange.TryParse(text, out _).Should().BeFalse();
    }
}
