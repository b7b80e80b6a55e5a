namespace LineConnector.Core;

/// <summary>
/// One problem with an input: the field (as in the API's JSON, a path such as
/// <c>windows[1].destinations</c>) and the rule it breaks.
/// </summary>
public sealed record FieldError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}
