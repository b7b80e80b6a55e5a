using LineConnector.Core.Channels;

namespace LineConnector.Core.Routing;

/// <summary>What a destination's staff service said about itself through the presence API.</summary>
/// <param name="Present">Whether the destination takes enquiries (a destination never set is present).</param>
/// <param name="AvailableStaff">Staff members marked available (sticky routing returns a source only to one of them).</param>
public sealed record DestinationPresence(string DestinationId, bool Present, IReadOnlySet<string> AvailableStaff)
{
    public static DestinationPresence Default(string destinationId) => new(destinationId, true, new HashSet<string>(StringComparer.Ordinal));
}

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

    /// <summary>Every destination of the channel with its schedule and its presence (present when none was set).</summary>
    public static IReadOnlyList<DestinationStatus> Of(ChannelSettings channel, IReadOnlyDictionary<string, DestinationPresence> presence)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(presence);
        return channel.Destinations.Select(d =>
        {
            var p = presence.GetValueOrDefault(d.Id) ?? DestinationPresence.Default(d.Id);
            return new DestinationStatus(d.Id, p.Present)
            {
                Schedule = d.Schedule?.Windows.ToList() ?? [],
                AvailableStaff = p.AvailableStaff,
            };
        }).ToList();
    }

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
