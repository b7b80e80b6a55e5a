using LineConnector.Core.Channels;

namespace LineConnector.Core.Routing;

/// <summary>
/// Alternative routing: the destinations in order; the first available one gets the enquiry, and one
/// that failed on this attempt (503 or timeout) is skipped for the next.
/// </summary>
internal static class AlternativeRouting
{
    public static RoutingPick Decide(IReadOnlyList<RoutingTarget> targets, RoutingContext context, List<string> explanation)
    {
        var destinations = targets.Select(t => t.Destination).ToList();
        explanation.Add($"Alternative routing tries the destinations in order: {string.Join(", ", destinations)}.");
        return context.FirstAvailable(destinations, explanation);
    }
}
