using LineConnector.Core.Channels;

namespace LineConnector.Core.Routing;

/// <summary>What a routing decision needs to know besides the rule.</summary>
public sealed record RoutingRequest
{
    /// <summary>The enquiry being routed: percentage routing hashes it.</summary>
    public required string EnquiryId { get; init; }

    /// <summary>The channel's time zone: time windows and destinations' schedules are in it.</summary>
    public required TimeZoneInfo TimeZone { get; init; }

    /// <summary>The channel's destinations with their presence and schedule (<see cref="DestinationStatus.Of"/>).
    /// A rule naming a destination not in this list treats it as unavailable.</summary>
    public required IReadOnlyList<DestinationStatus> Destinations { get; init; }

    /// <summary>The channel's sticky period (<see cref="ChannelSettings.StickyPeriod"/>), for sticky routing.</summary>
    public TimeSpan StickyPeriod { get; init; } = TimeSpan.FromMinutes(ChannelSettings.DefaultStickyPeriodMinutes);

    /// <summary>Who served this source last (for sticky routing), if anyone.</summary>
    public LastService? LastService { get; init; }

    /// <summary>Destinations that failed for this attempt (answered 503 or timed out): the next choice skips them.</summary>
    public IReadOnlySet<string> FailedDestinations { get; init; } = new HashSet<string>();
}

/// <summary>
/// Routes enquiries by a channel's rule at the current time of its clock (DESIGN §5, Routing rules).
/// A decision is pure: the same rule, enquiry id, destinations' availability and time give the same
/// choice and the same explanation, so a choice can be replayed and shown (what-if). The rule is taken
/// as the channel holds it; <see cref="ChannelValidation"/> judged it when it was written or read.
/// </summary>
public sealed class Router(TimeProvider clock)
{
    public DestinationChoice Route(RoutingRule rule, RoutingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.EnquiryId);
        return Decide(rule, new RoutingContext(
            request.EnquiryId, request.TimeZone, clock.GetUtcNow(), request.Destinations, request.StickyPeriod, request.LastService, request.FailedDestinations));
    }

    /// <summary>The one place a rule is decided: live routing and what-if both come here.</summary>
    internal static DestinationChoice Decide(RoutingRule rule, RoutingContext context)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var explanation = new List<string>();
        var pick = Pick(rule, context, explanation);
        return new DestinationChoice
        {
            DestinationId = pick.DestinationId,
            StaffMemberId = pick.StaffMemberId,
            Shares = pick.Shares ?? [],
            Explanation = explanation,
        };
    }

    /// <summary>The rule's raw decision, its reasons added to <paramref name="explanation"/>; a sticky rule's fallback comes back here.</summary>
    internal static RoutingPick Pick(RoutingRule rule, RoutingContext context, List<string> explanation) => rule.Kind switch
    {
        RoutingKind.Alternative => AlternativeRouting.Decide(rule.Targets, context, explanation),
        RoutingKind.Percentage => PercentageRouting.Decide(rule.Targets, context, explanation),
        RoutingKind.Time => TimeRouting.Decide(rule, context, explanation),
        RoutingKind.Sticky => StickyRouting.Decide(rule.Fallback ?? throw new ArgumentException("A sticky rule needs its fallback rule.", nameof(rule)), context, explanation),
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule.Kind, "Unknown routing rule."),
    };
}
