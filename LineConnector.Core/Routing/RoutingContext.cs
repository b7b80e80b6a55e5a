namespace LineConnector.Core.Routing;

/// <summary>The inputs of one decision, with each destination's availability worked out once.</summary>
internal sealed class RoutingContext
{
    private readonly Dictionary<string, DestinationStatus> _destinations;
    private readonly IReadOnlySet<string> _failed;
    private readonly Dictionary<string, Availability> _availability = new(StringComparer.Ordinal);

    /// <param name="enquiryId">Null only for a what-if before the enquiry exists.</param>
    public RoutingContext(
        string? enquiryId,
        TimeZoneInfo zone,
        DateTimeOffset at,
        IReadOnlyList<DestinationStatus> destinations,
        TimeSpan stickyPeriod,
        LastService? lastService,
        IReadOnlySet<string>? failed)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(destinations);
        EnquiryId = enquiryId;
        Zone = zone;
        At = at;
        StickyPeriod = stickyPeriod;
        LastService = lastService;
        _failed = failed ?? new HashSet<string>();
        _destinations = new Dictionary<string, DestinationStatus>(StringComparer.Ordinal);
        foreach (var destination in destinations)
        {
            if (!_destinations.TryAdd(destination.DestinationId, destination))
            {
                throw new ArgumentException($"Destination '{destination.DestinationId}' is listed more than once.", nameof(destinations));
            }
        }
    }

    public string? EnquiryId { get; }

    public TimeZoneInfo Zone { get; }

    public DateTimeOffset At { get; }

    public TimeSpan StickyPeriod { get; }

    public LastService? LastService { get; }

    public Availability AvailabilityOf(string destinationId)
    {
        if (!_availability.TryGetValue(destinationId, out var availability))
        {
            availability = _failed.Contains(destinationId)
                ? new Availability(false, "answered as unavailable on this attempt")
                : _destinations.TryGetValue(destinationId, out var status)
                    ? status.AvailabilityAt(At, Zone)
                    : new Availability(false, "is not one of the channel's destinations");
            _availability[destinationId] = availability;
        }

        return availability;
    }

    public bool IsStaffAvailable(string destinationId, string staffMemberId) =>
        _destinations.TryGetValue(destinationId, out var status) && status.AvailableStaff.Contains(staffMemberId);

    /// <summary>Tries the destinations in order and picks the first available one, saying why for each.</summary>
    public RoutingPick FirstAvailable(IReadOnlyList<string> destinationIds, List<string> explanation)
    {
        foreach (var id in destinationIds)
        {
            var availability = AvailabilityOf(id);
            if (availability.IsAvailable)
            {
                explanation.Add($"{id} is chosen: it {availability.Reason}.");
                return RoutingPick.Of(id);
            }

            explanation.Add($"{id} is skipped: it {availability.Reason}.");
        }

        explanation.Add("No destination in the list is available.");
        return RoutingPick.None;
    }
}

/// <summary>A rule's raw decision, before <see cref="Router"/> wraps it with the explanation.</summary>
internal readonly record struct RoutingPick(string? DestinationId, string? StaffMemberId, IReadOnlyList<DestinationShare>? Shares)
{
    public static RoutingPick None => default;

    public static RoutingPick Of(string destinationId, string? staffMemberId = null) => new(destinationId, staffMemberId, null);

    public static RoutingPick Undetermined(IReadOnlyList<DestinationShare> shares) => new(null, null, shares);
}
