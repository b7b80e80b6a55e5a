namespace LineConnector.Core.Routing;

/// <summary>
/// What a routing rule decided: the destination (and, for sticky routing, the staff member) or none,
/// with plain sentences that say why.
/// </summary>
public sealed record DestinationChoice
{
    /// <summary>The chosen destination, or null when none is available (or the choice is not yet determined, see <see cref="Shares"/>).</summary>
    public string? DestinationId { get; init; }

    /// <summary>The staff member the enquiry goes to, when sticky routing chose the one that served this source last.</summary>
    public string? StaffMemberId { get; init; }

    public required IReadOnlyList<string> Explanation { get; init; }

    /// <summary>
    /// Only when the decision depends on an enquiry id that does not exist yet (a what-if for a source
    /// with no open enquiry, decided by percentage): each available destination's chance. Empty otherwise.
    /// </summary>
    public IReadOnlyList<DestinationShare> Shares { get; init; } = [];

    public bool Found => DestinationId is not null;

    public bool IsDetermined => Shares.Count == 0;
}

/// <summary>A destination's chance of being chosen, in percent.</summary>
public sealed record DestinationShare(string DestinationId, double Percent);
