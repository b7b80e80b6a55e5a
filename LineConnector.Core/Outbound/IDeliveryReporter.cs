namespace LineConnector.Core.Outbound;

/// <summary>
/// Tells the destination (<see cref="OutboundResult.ReportTo"/>, when set) how an outbound message
/// ended: delivered with LINE's message ids, failed with its reason, or uncertain. Throwing makes the
/// queue redeliver the message, which reports again; a report may so arrive more than once (its key is
/// the outbound id).
/// </summary>
public interface IDeliveryReporter
{
    Task<DeliveryReport> ReportAsync(OutboundResult result, CancellationToken cancellationToken);
}

/// <summary>What became of a report, for the log.</summary>
/// <param name="DestinationId">Who was to be told; null when the message names nobody.</param>
/// <param name="Sent">True when the destination took the report.</param>
/// <param name="Note">Why it was not sent, when it was not; never a secret.</param>
public sealed record DeliveryReport(string? DestinationId, bool Sent, string? Note)
{
    public static DeliveryReport Nobody { get; } = new(null, false, "the message names no destination to report to");

    /// <summary>Set while the channel has used most of its monthly message quota (<see cref="Cost.QuotaWatch"/>).</summary>
    public string? QuotaWarning { get; init; }
}
