namespace LineConnector.Core.Enquiries;

/// <summary>Staff member ids, as destinations name their people: 1 to 64 ASCII letters, digits, '-', '_', '.' and '@'.</summary>
public static class StaffMemberId
{
    public const int MaxLength = 64;

    public static bool IsValid(string? id) =>
        id is { Length: > 0 and <= MaxLength } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '@');

    public const string Rule = "1 to 64 ASCII letters, digits, '-', '_', '.' and '@'";
}
