using LineConnector.Core.Channels;

namespace LineConnector.Core.Routing;

/// <summary>
/// Sticky routing: a returning source goes to the destination, and the staff member, that last served
/// it, when that was less than the channel's sticky period ago and both are available now; otherwise
/// the rule's fallback rule decides.
/// </summary>
/// <remarks>
/// When the last service was by a particular staff member, the point is that person: if the destination
/// is available but that staff member is not, the fallback rule decides (it may well pick the same
/// destination, without a staff member).
/// </remarks>
internal static class StickyRouting
{
    /// <param name="fallback">The rule for a source with nobody to return to.</param>
    public static RoutingPick Decide(RoutingRule fallback, RoutingContext context, List<string> explanation)
    {
        var last = context.LastService;
        if (last is null)
        {
            explanation.Add("Sticky routing: this source has not been served before, so the fallback rule decides.");
            return Router.Pick(fallback, context, explanation);
        }

        var age = context.At - last.ServedAt;
        var ago = age <= TimeSpan.Zero ? "just now" : TimeText.Duration(age) + " ago";
        var by = last.StaffMemberId is null ? last.DestinationId : $"{last.DestinationId} (staff member {last.StaffMemberId})";
        explanation.Add($"Sticky routing: this source was last served by {by} {ago}; the sticky period is {TimeText.Duration(context.StickyPeriod)}.");

        if (age >= context.StickyPeriod)
        {
            explanation.Add("That is outside the sticky period, so the fallback rule decides.");
            return Router.Pick(fallback, context, explanation);
        }

        var availability = context.AvailabilityOf(last.DestinationId);
        if (!availability.IsAvailable)
        {
            explanation.Add($"{last.DestinationId} {availability.Reason}, so the fallback rule decides.");
            return Router.Pick(fallback, context, explanation);
        }

        if (last.StaffMemberId is null)
        {
            explanation.Add($"{last.DestinationId} is chosen: it {availability.Reason}.");
            return RoutingPick.Of(last.DestinationId);
        }

        if (!context.IsStaffAvailable(last.DestinationId, last.StaffMemberId))
        {
            explanation.Add($"Staff member {last.StaffMemberId} is not available at {last.DestinationId}, so the fallback rule decides.");
            return Router.Pick(fallback, context, explanation);
        }

        explanation.Add($"{last.DestinationId} is chosen with staff member {last.StaffMemberId}: the destination {availability.Reason} and the staff member is available.");
        return RoutingPick.Of(last.DestinationId, last.StaffMemberId);
    }
}

/// <summary>Who last served a source: the destination, the staff member if one, and when.</summary>
public sealed record LastService(string DestinationId, string? StaffMemberId, DateTimeOffset ServedAt);
