namespace LineConnector.Core.Routing;

/// <summary>
/// How a channel picks the destination of a new enquiry (DESIGN §5, Routing rules). A rule is a pure
/// decision: the same rule, enquiry id, destinations' availability and time give the same choice and
/// the same explanation, so a choice can be replayed and shown (what-if).
/// </summary>
public abstract record RoutingRule
{
    /// <summary>
    /// At most this many destinations in one condition: the ordered list of an alternative rule, the
    /// split of a percentage rule, the list of one time window, the other-times list.
    /// </summary>
    public const int MaxDestinationsPerCondition = Channels.RoutingRule.MaxDestinationsPerCondition;

    private protected RoutingRule()
    {
    }

    /// <summary>Every problem with the rule, each naming its field; empty when the rule is valid.</summary>
    public IReadOnlyList<FieldError> Validate()
    {
        var errors = new List<FieldError>();
        Validate("", errors);
        return errors;
    }

    internal abstract void Validate(string path, List<FieldError> errors);

    /// <summary>Decides on a valid rule (<see cref="Router"/> validates first), adding its reasons to <paramref name="explanation"/>.</summary>
    internal abstract RoutingPick Decide(RoutingContext context, List<string> explanation);

    internal static string Field(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    /// <summary>Checks one condition's destination list: 1 (or <paramref name="minimum"/>) to 5 distinct, non-blank ids.</summary>
    internal static void ValidateDestinationList(IReadOnlyList<string>? ids, string field, int minimum, List<FieldError> errors)
    {
        if (ids is null)
        {
            errors.Add(new FieldError(field, "The destination list is required."));
            return;
        }

        if (ids.Count < minimum)
        {
            errors.Add(new FieldError(field, $"At least {minimum} destination is required."));
        }

        if (ids.Count > MaxDestinationsPerCondition)
        {
            errors.Add(new FieldError(field, $"At most {MaxDestinationsPerCondition} destinations per condition; {ids.Count} were given."));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ids.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(ids[i]))
            {
                errors.Add(new FieldError($"{field}[{i}]", "A destination id must not be blank."));
            }
            else if (!seen.Add(ids[i]))
            {
                errors.Add(new FieldError($"{field}[{i}]", $"Destination '{ids[i]}' appears more than once in this condition."));
            }
        }
    }
}

/// <summary>A routing rule that does not validate was given to a decision.</summary>
public sealed class InvalidRoutingRuleException(IReadOnlyList<FieldError> errors)
    : ArgumentException("The routing rule is invalid: " + string.Join("; ", errors))
{
    public IReadOnlyList<FieldError> Errors { get; } = errors;
}
