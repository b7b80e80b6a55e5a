namespace LineConnector.Core.Routing;

/// <summary>
/// What routing needs to know of one destination: its presence (set through the presence API), its
/// optional weekly schedule in the channel's time zone, and which of its staff members are available.
/// A destination is available when it is present and, if it has a schedule, within one of its windows.
/// </summary>
public sealed record DestinationStatus(string DestinationId, bool Present)
{
    /// <summary>When the destination works; empty means no schedule (always, as far as the schedule goes).</summary>
    public IReadOnlyList<WeeklyWindow> Schedule { get; init; } = [];

    /// <summary>Staff members marked available (sticky routing goes to a staff member only if listed here).</summary>
    public IReadOnlySet<string> AvailableStaff { get; init; } = new HashSet<string>();

    public Availability AvailabilityAt(DateTimeOffset at, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTime(at, zone).DateTime;
        if (Schedule.Count == 0)
        {
            return Present
                ? new Availability(true, "is present and has no schedule")
                : new Availability(false, "is marked not present");
        }

        var window = Schedule.FirstOrDefault(w => w.Contains(local));
        var when = TimeText.LocalTime(at, zone);
        return (Present, window) switch
        {
            (true, not null) => new Availability(true, $"is present and within its schedule ({window})"),
            (true, null) => new Availability(false, $"is outside its schedule at {when}"),
            (false, not null) => new Availability(false, "is marked not present"),
            (false, null) => new Availability(false, $"is marked not present and is outside its schedule at {when}"),
        };
    }
}

/// <summary>Whether a destination can take an enquiry, with the reason as a sentence fragment ("is marked not present").</summary>
public readonly record struct Availability(bool IsAvailable, string Reason);
