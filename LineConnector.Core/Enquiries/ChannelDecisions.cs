using LineConnector.Core.Channels;
using LineConnector.Core.Routing;
using ChannelRule = LineConnector.Core.Channels.RoutingRule;
using RoutingTimeWindow = LineConnector.Core.Routing.TimeWindow;

namespace LineConnector.Core.Enquiries;

/// <summary>What a destination's staff service said about itself through the presence API.</summary>
/// <param name="Present">Whether the destination takes enquiries (a destination never set is present).</param>
/// <param name="AvailableStaff">Staff members marked available (sticky routing returns a source only to one of them).</param>
public sealed record DestinationPresence(string DestinationId, bool Present, IReadOnlySet<string> AvailableStaff)
{
    public static DestinationPresence Default(string destinationId) => new(destinationId, true, new HashSet<string>(StringComparer.Ordinal));
}

/// <summary>
/// Turns a channel as operators store it (<see cref="ChannelSettings"/>) into the decision types of
/// routing and enquiries. It translates only: the channel's settings were judged by
/// <see cref="ChannelValidation"/> when written and by the repository when read, and the routing
/// rule is judged again by <see cref="Router"/> on every decision.
/// </summary>
public static class ChannelDecisions
{
    public static Routing.RoutingRule Rule(ChannelSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Rule(settings.Routing, settings.StickyPeriod);
    }

    /// <summary>The channel's time zone; throws <see cref="ArgumentException"/> naming it when it is not an IANA id known here.</summary>
    public static TimeZoneInfo TimeZone(ChannelSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return ChannelTimeZone.Find(settings.TimeZone);
    }

    /// <param name="autoCloseAfter">The app's auto-close (<see cref="EnquiryOptions.AutoCloseAfter"/>): channels have no setting of their own.</param>
    public static EnquiryPolicy Policy(ChannelSettings settings, TimeSpan? autoCloseAfter = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new EnquiryPolicy { MissedTimeout = settings.MissedEnquiryTimeout, AutoCloseAfter = autoCloseAfter, AutoMessages = AutoMessages(settings) };
    }

    /// <summary>The channel's switches and texts; an unedited text is the channel's default text.</summary>
    public static AutoMessageSettings AutoMessages(ChannelSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var messages = settings.AutoMessages;
        return new AutoMessageSettings
        {
            Welcome = new(messages.Welcome.Enabled, messages.WelcomeText),
            Away = new(messages.Away.Enabled, messages.AwayText),
            Close = new(messages.Close.Enabled, messages.CloseText),
            StaffNameFormat = settings.StaffNameFormat,
        };
    }

    /// <summary>Every destination of the channel with its presence (present when none was set) and schedule.</summary>
    public static IReadOnlyList<DestinationStatus> Statuses(ChannelSettings settings, IReadOnlyDictionary<string, DestinationPresence> presence)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(presence);
        return settings.Destinations
            .Select(d => Status(d, presence.GetValueOrDefault(d.Id) ?? DestinationPresence.Default(d.Id)))
            .ToList();
    }

    public static DestinationStatus Status(Destination destination, DestinationPresence presence)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(presence);
        return new DestinationStatus(destination.Id, presence.Present)
        {
            Schedule = Schedule(destination.Schedule),
            AvailableStaff = presence.AvailableStaff,
        };
    }

    /// <summary>One weekly window per day and range; both models read an end not after the start as the next day's.</summary>
    public static IReadOnlyList<WeeklyWindow> Schedule(WeeklySchedule? schedule) =>
        schedule is null
            ? []
            : schedule.Days
                .OrderBy(d => ((int)d.Key + 6) % 7)
                .SelectMany(d => d.Value.Select(range => new WeeklyWindow([d.Key], range.From, range.To)))
                .ToList();

    private static Routing.RoutingRule Rule(ChannelRule rule, TimeSpan stickyPeriod) => rule.Kind switch
    {
        RoutingKind.Alternative => new AlternativeRule(rule.Targets.Select(t => t.Destination).ToList()),
        RoutingKind.Percentage => new PercentageRule(rule.Targets.Select(t => new PercentageShare(t.Destination, t.Weight ?? 0)).ToList()),
        RoutingKind.Time => new TimeRule(
            rule.TimeWindows.Select(w => new RoutingTimeWindow(new WeeklyWindow(w.Days, w.From, w.To), [w.Destination])).ToList(),
            rule.OtherTimesDestination is { } other ? [other] : []),
        RoutingKind.Sticky => new StickyRule(
            stickyPeriod,
            Rule(rule.Fallback ?? throw new ArgumentException("A sticky rule needs a fallback rule.", nameof(rule)), stickyPeriod)),
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule.Kind, "Unknown routing rule."),
    };
}
