namespace LineConnector.Core.Routing;

/// <summary>
/// Alternative routing: the destinations in order; the first available one gets the enquiry, and one
/// that failed on this attempt (503 or timeout) is skipped for the next.
/// </summary>
public sealed record AlternativeRule(IReadOnlyList<string> Destinations) : RoutingRule
{
    internal override void Validate(string path, List<FieldError> errors) =>
        ValidateDestinationList(Destinations, Field(path, "destinations"), 1, errors);

    internal override RoutingPick Decide(RoutingContext context, List<string> explanation)
    {
        explanation.Add($"Alternative routing tries the destinations in order: {string.Join(", ", Destinations)}.");
        return context.FirstAvailable(Destinations, explanation);
    }
}
