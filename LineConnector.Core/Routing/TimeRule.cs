namespace LineConnector.Core.Routing;

/// <summary>
/// Time routing: windows of days and HH:MM times in the channel's IANA time zone, each with its
/// destinations (tried in order, like an alternative rule); the first window that holds the current
/// local time decides. At other times the <see cref="OtherTimes"/> destinations are tried; with none,
/// nobody takes enquiries outside the windows.
/// </summary>
/// <remarks>
/// A window whose destinations are all unavailable does not fall through to the other-times list: list
/// a catch-all destination (a bot, say) last in the window if it should take over.
/// Window semantics (inclusive start, exclusive end, overnight, daylight saving): <see cref="WeeklyWindow"/>.
/// </remarks>
public sealed record TimeRule(IReadOnlyList<TimeWindow> Windows, IReadOnlyList<string> OtherTimes) : RoutingRule
{
    internal override void Validate(string path, List<FieldError> errors)
    {
        var field = Field(path, "windows");
        if (Windows is null || Windows.Count == 0)
        {
            errors.Add(new FieldError(field, "At least one time window is required."));
        }
        else
        {
            for (var i = 0; i < Windows.Count; i++)
            {
                var windowPath = $"{field}[{i}]";
                if (Windows[i]?.When is not { } when)
                {
                    errors.Add(new FieldError(windowPath, "The window's days and times are required."));
                    continue;
                }

                when.Validate(windowPath, errors);
                ValidateDestinationList(Windows[i].Destinations, Field(windowPath, "destinations"), 1, errors);
            }
        }

        ValidateDestinationList(OtherTimes, Field(path, "otherTimes"), 0, errors);
    }

    internal override RoutingPick Decide(RoutingContext context, List<string> explanation)
    {
        explanation.Add($"Time routing: it is {TimeText.LocalTime(context.At, context.Zone)}.");
        var local = TimeZoneInfo.ConvertTime(context.At, context.Zone).DateTime;
        for (var i = 0; i < Windows.Count; i++)
        {
            if (Windows[i].When.Contains(local))
            {
                explanation.Add($"Window {i + 1} ({Windows[i].When}) applies; its destinations are tried in order: {string.Join(", ", Windows[i].Destinations)}.");
                return context.FirstAvailable(Windows[i].Destinations, explanation);
            }
        }

        if (OtherTimes.Count == 0)
        {
            explanation.Add("No window applies and there is no other-times destination.");
            return RoutingPick.None;
        }

        explanation.Add($"No window applies, so the other-times destinations are tried in order: {string.Join(", ", OtherTimes)}.");
        return context.FirstAvailable(OtherTimes, explanation);
    }
}

/// <summary>One window of a time rule with the destinations (1 to 5, in order) it routes to.</summary>
public sealed record TimeWindow(WeeklyWindow When, IReadOnlyList<string> Destinations);
