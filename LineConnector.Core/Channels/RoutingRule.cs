using System.Text.Json.Serialization;

namespace LineConnector.Core.Channels;

[JsonConverter(typeof(RoutingKindJson))]
public enum RoutingKind
{
    /// <summary>An ordered list: the first available destination gets the enquiry, else the next.</summary>
    Alternative,

    /// <summary>Destinations with weights summing to 100, chosen deterministically per enquiry.</summary>
    Percentage,

    /// <summary>Windows of days and hours in the channel's time zone, each with its destinations, and the destinations for other times.</summary>
    Time,

    /// <summary>A returning user goes to whoever last served them within the channel's sticky period, else the fallback rule.</summary>
    Sticky,
}

/// <summary>
/// How a channel chooses the destination of a new enquiry (DESIGN §5, Routing rules): the one model
/// of a rule, as the admin API's JSON, the Table rows and the router see it. Which members are used
/// depends on <see cref="Kind"/>: <see cref="Targets"/> for alternative and percentage,
/// <see cref="TimeWindows"/> and <see cref="OtherTimes"/> for time, <see cref="Fallback"/> for sticky
/// (whose period is the channel's <see cref="ChannelSettings.StickyPeriodMinutes"/>).
/// <see cref="ChannelValidation"/> judges a rule when it is written and when it is read from the
/// store; the router decides on it as it is.
/// Lists have setters so that JSON leaving them out keeps them empty (see <see cref="ChannelSettings"/>).
/// </summary>
public sealed record RoutingRule
{
    /// <summary>At most this many destinations per condition: the alternative list, the percentage split, one time window, the other times.</summary>
    public const int MaxDestinationsPerCondition = 5;

    public required RoutingKind Kind { get; init; }

    /// <summary>Alternative: in order of preference. Percentage: each with its weight.</summary>
    public IReadOnlyList<RoutingTarget> Targets { get; set; } = [];

    /// <summary>Time: the first window that holds the current local time decides.</summary>
    public IReadOnlyList<TimeWindow> TimeWindows { get; set; } = [];

    /// <summary>Time: the destinations outside every window, tried in order.</summary>
    public IReadOnlyList<string> OtherTimes { get; set; } = [];

    /// <summary>Sticky: the rule for a user with nobody to return to (alternative, percentage or time).</summary>
    public RoutingRule? Fallback { get; init; }
}

/// <param name="Destination">A destination id of the channel.</param>
/// <param name="Weight">Percentage routing only: 1 to 100; the weights of a rule sum to 100.</param>
public sealed record RoutingTarget(string Destination, int? Weight = null);

/// <summary>
/// A window of a time rule: a <see cref="WeeklyWindow"/> with its destinations (1 to 5), tried in
/// order like an alternative rule. A window whose destinations are all unavailable does not fall
/// through to the other times: list a catch-all destination last in the window if one should take over.
/// </summary>
public sealed record TimeWindow(
    IReadOnlyList<DayOfWeek> Days,
    TimeOnly From,
    TimeOnly To,
    [property: JsonRequired] IReadOnlyList<string> Destinations) : WeeklyWindow(Days, From, To);

internal sealed class RoutingKindJson() : EnumTextJsonConverter<RoutingKind>(ChannelTexts.RoutingKind);
