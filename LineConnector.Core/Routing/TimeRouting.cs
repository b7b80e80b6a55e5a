using LineConnector.Core.Channels;

namespace LineConnector.Core.Routing;

/// <summary>
/// Time routing: windows of days and HH:MM times in the channel's IANA time zone, each with its
/// destinations (tried in order, like an alternative rule); the first window that holds the current
/// local time decides. At other times the rule's other-times destinations are tried, in order.
/// </summary>
/// <remarks>
/// A window whose destinations are all unavailable does not fall through to the other times: list a
/// catch-all destination (a bot, say) last in the window if it should take over.
/// Window semantics (inclusive start, exclusive end, overnight, daylight saving): <see cref="WeeklyWindow"/>.
/// </remarks>
internal static class TimeRouting
{
    public static RoutingPick Decide(RoutingRule rule, RoutingContext context, List<string> explanation)
    {
        explanation.Add($"Time routing: it is {TimeText.LocalTime(context.At, context.Zone)}.");
        var local = TimeZoneInfo.ConvertTime(context.At, context.Zone).DateTime;
        for (var i = 0; i < rule.TimeWindows.Count; i++)
        {
            var window = rule.TimeWindows[i];
            if (window.Contains(local))
            {
                explanation.Add($"Window {i + 1} ({window}) applies; its destinations are tried in order: {string.Join(", ", window.Destinations)}.");
                return context.FirstAvailable(window.Destinations, explanation);
            }
        }

        explanation.Add($"No window applies, so the other-times destinations are tried in order: {string.Join(", ", rule.OtherTimes)}.");
        return context.FirstAvailable(rule.OtherTimes, explanation);
    }
}
