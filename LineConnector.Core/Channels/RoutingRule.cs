using System.Text.Json.Serialization;

namespace LineConnector.Core.Channels;

[JsonConverter(typeof(RoutingKindJson))]
public enum RoutingKind
{
    /// <summary>An ordered list: the first available destination gets the enquiry, else the next.</summary>
    Alternative,

    /// <summary>Destinations with weights summing to 100, chosen deterministically per enquiry.</summary>
    Percentage,

    /// <summary>Windows of days and hours in the channel's time zone, each with a destination, and an "other times" destination.</summary>
    Time,

    /// <summary>A returning user goes to whoever last served them within the channel's sticky period, else the fallback rule.</summary>
    Sticky,
}

/// <summary>
/// How a channel chooses the destination of a new enquiry. Which members are used depends on
/// <see cref="Kind"/>: <see cref="Targets"/> for alternative and percentage, <see cref="TimeWindows"/>
/// and <see cref="OtherTimesDestination"/> for time, <see cref="Fallback"/> for sticky.
/// Lists have setters so that JSON leaving them out keeps them empty (see <see cref="ChannelSettings"/>).
/// </summary>
public sealed record RoutingRule
{
    /// <summary>At most this many destinations per condition.</summary>
    public const int MaxDestinationsPerCondition = 5;

    public required RoutingKind Kind { get; init; }

    /// <summary>Alternative: in order of preference. Percentage: each with its weight.</summary>
    public IReadOnlyList<RoutingTarget> Targets { get; set; } = [];

    public IReadOnlyList<TimeWindow> TimeWindows { get; set; } = [];

    /// <summary>The destination outside every time window.</summary>
    public string? OtherTimesDestination { get; init; }

    /// <summary>For sticky: the rule for a user with nobody to return to (alternative, percentage or time).</summary>
    public RoutingRule? Fallback { get; init; }
}

/// <param name="Destination">A destination id of the channel.</param>
/// <param name="Weight">Percentage routing only: 1 to 100; the weights of a rule sum to 100.</param>
public sealed record RoutingTarget(string Destination, int? Weight = null);

/// <summary>
/// A time routing window: on each of <see cref="Days"/>, from <see cref="From"/> to <see cref="To"/>
/// in the channel's time zone. A window whose end is not after its start runs past midnight into
/// the next day (22:00 to 06:00; 00:00 to 00:00 is the whole day).
/// </summary>
public sealed record TimeWindow
{
    [JsonConverter(typeof(DayListJson))]
    public required IReadOnlyList<DayOfWeek> Days { get; init; }

    [JsonConverter(typeof(HourMinuteJson))]
    public required TimeOnly From { get; init; }

    [JsonConverter(typeof(HourMinuteJson))]
    public required TimeOnly To { get; init; }

    public required string Destination { get; init; }
}

internal sealed class RoutingKindJson() : EnumTextJsonConverter<RoutingKind>(ChannelTexts.RoutingKind);
