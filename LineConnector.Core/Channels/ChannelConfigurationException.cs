namespace LineConnector.Core.Channels;

/// <summary>Where a stored channel is wrong: the row and property an operator should fix.</summary>
/// <param name="Property">Null when the problem is the row as a whole (or a set of rows).</param>
public sealed record ChannelProblem(string Table, string RowKey, string? Property, string Message)
{
    public override string ToString() => Property is null
        ? $"table {Table}, row '{RowKey}': {Message}"
        : $"table {Table}, row '{RowKey}', property {Property}: {Message}";
}

/// <summary>
/// A stored channel cannot be used as it is (typically after a hand edit in the portal). Names the
/// channel and every row and property at fault; the channel is not guessed at.
/// </summary>
public sealed class ChannelConfigurationException(string channelId, IReadOnlyList<ChannelProblem> problems)
    : Exception($"Channel '{channelId}' is misconfigured: {string.Join("; ", problems)}")
{
    public string ChannelId { get; } = channelId;

    public IReadOnlyList<ChannelProblem> Problems { get; } = problems;
}
