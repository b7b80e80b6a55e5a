namespace LineConnector.Core.Storage;

/// <summary>
/// Keys from <see cref="From"/> (inclusive) up to <see cref="Before"/> (exclusive), compared
/// ordinally as Table Storage compares them; without <see cref="Before"/>, the key <see cref="From"/> alone.
/// </summary>
public sealed record TableKeyRange(string From, string? Before)
{
    /// <summary>Exactly this key.</summary>
    public static TableKeyRange Only(string key) => new(key, null);

    /// <summary>Every key that starts with <paramref name="prefix"/> (whose last character is not U+FFFF).</summary>
    public static TableKeyRange StartingWith(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        return prefix[^1] == char.MaxValue
            ? throw new ArgumentException("A prefix cannot end with U+FFFF.", nameof(prefix))
            : new TableKeyRange(prefix, prefix[..^1] + (char)(prefix[^1] + 1));
    }

    public bool Contains(string key) =>
        Before is null ? string.Equals(key, From, StringComparison.Ordinal)
            : string.CompareOrdinal(key, From) >= 0 && string.CompareOrdinal(key, Before) < 0;
}
