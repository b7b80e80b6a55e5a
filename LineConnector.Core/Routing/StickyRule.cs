namespace LineConnector.Core.Routing;

/// <summary>
/// Sticky routing: a returning source goes to the destination, and the staff member, that last served
/// it, when that was less than <see cref="Period"/> ago and both are available now; otherwise the
/// <see cref="Fallback"/> rule decides.
/// </summary>
/// <remarks>
/// When the last service was by a particular staff member, the point is that person: if the destination
/// is available but that staff member is not, the fallback rule decides (it may well pick the same
/// destination, without a staff member).
/// </remarks>
public sealed record StickyRule(TimeSpan Period, RoutingRule Fallback) : RoutingRule
{
    internal override void Validate(string path, List<FieldError> errors)
    {
        if (Period <= TimeSpan.Zero)
        {
            errors.Add(new FieldError(Field(path, "period"), $"The sticky period must be positive; {Period} was given."));
        }

        var fallback = Field(path, "fallback");
        switch (Fallback)
        {
            case null:
                errors.Add(new FieldError(fallback, "A sticky rule needs a fallback rule."));
                break;
            case StickyRule:
                errors.Add(new FieldError(fallback, "The fallback of a sticky rule cannot itself be sticky."));
                break;
            default:
                Fallback.Validate(fallback, errors);
                break;
        }
    }

    internal override RoutingPick Decide(RoutingContext context, List<string> explanation)
    {
        var last = context.LastService;
        if (last is null)
        {
            explanation.Add("Sticky routing: this source has not been served before, so the fallback rule decides.");
            return Fallback.Decide(context, explanation);
        }

        var age = context.At - last.ServedAt;
        var ago = age <= TimeSpan.Zero ? "just now" : TimeText.Duration(age) + " ago";
        var by = last.StaffMemberId is null ? last.DestinationId : $"{last.DestinationId} (staff member {last.StaffMemberId})";
        explanation.Add($"Sticky routing: this source was last served by {by} {ago}; the sticky period is {TimeText.Duration(Period)}.");

        if (age >= Period)
        {
            explanation.Add("That is outside the sticky period, so the fallback rule decides.");
            return Fallback.Decide(context, explanation);
        }

        var availability = context.AvailabilityOf(last.DestinationId);
        if (!availability.IsAvailable)
        {
            explanation.Add($"{last.DestinationId} {availability.Reason}, so the fallback rule decides.");
            return Fallback.Decide(context, explanation);
        }

        if (last.StaffMemberId is null)
        {
            explanation.Add($"{last.DestinationId} is chosen: it {availability.Reason}.");
            return RoutingPick.Of(last.DestinationId);
        }

        if (!context.IsStaffAvailable(last.DestinationId, last.StaffMemberId))
        {
            explanation.Add($"Staff member {last.StaffMemberId} is not available at {last.DestinationId}, so the fallback rule decides.");
            return Fallback.Decide(context, explanation);
        }

        explanation.Add($"{last.DestinationId} is chosen with staff member {last.StaffMemberId}: the destination {availability.Reason} and the staff member is available.");
        return RoutingPick.Of(last.DestinationId, last.StaffMemberId);
    }
}

/// <summary>Who last served a source: the destination, the staff member if one, and when.</summary>
public sealed record LastService(string DestinationId, string? StaffMemberId, DateTimeOffset ServedAt);
