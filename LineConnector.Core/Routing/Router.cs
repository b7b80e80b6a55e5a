namespace LineConnector.Core.Routing;

/// <summary>What a routing decision needs to know besides the rule.</summary>
public sealed record RoutingRequest
{
    /// <summary>The enquiry being routed: percentage routing hashes it.</summary>
    public required string EnquiryId { get; init; }

    /// <summary>The channel's time zone: time windows and destinations' schedules are in it.</summary>
    public required TimeZoneInfo TimeZone { get; init; }

    /// <summary>The channel's destinations with their presence and schedule. A rule naming a destination
    /// not in this list treats it as unavailable.</summary>
    public required IReadOnlyList<DestinationStatus> Destinations { get; init; }

    /// <summary>Who served this source last (for sticky routing), if anyone.</summary>
    public LastService? LastService { get; init; }

    /// <summary>Destinations that failed for this attempt (answered 503 or timed out): the next choice skips them.</summary>
    public IReadOnlySet<string> FailedDestinations { get; init; } = new HashSet<string>();
}

/// <summary>Routes enquiries by a channel's rule at the current time of its clock.</summary>
public sealed class Router(TimeProvider clock)
{
    /// <exception cref="InvalidRoutingRuleException">The rule does not validate.</exception>
    public DestinationChoice Route(RoutingRule rule, RoutingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.EnquiryId);
        return Decide(rule, new RoutingContext(
            request.EnquiryId, request.TimeZone, clock.GetUtcNow(), request.Destinations, request.LastService, request.FailedDestinations));
    }

    /// <summary>The one place a rule is decided: live routing and what-if both come here.</summary>
    internal static DestinationChoice Decide(RoutingRule rule, RoutingContext context)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var errors = rule.Validate();
        if (errors.Count > 0)
        {
            throw new InvalidRoutingRuleException(errors);
        }

        var explanation = new List<string>();
        var pick = rule.Decide(context, explanation);
        return new DestinationChoice
        {
            DestinationId = pick.DestinationId,
            StaffMemberId = pick.StaffMemberId,
            Shares = pick.Shares ?? [],
            Explanation = explanation,
        };
    }
}
