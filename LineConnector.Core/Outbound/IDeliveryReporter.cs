namespace LineConnector.Core.Outbound;

/// <summary>
/// Tells the destination (<see cref="OutboundResult.ReportTo"/>, when set) how an outbound message
/// ended: delivered with LINE's message ids, or failed with its reason. Throwing makes the queue
/// redeliver the message, which reports again; a report may so arrive more than once (its key is the outbound id).
/// </summary>
public interface IDeliveryReporter
{
    Task ReportAsync(OutboundResult result, CancellationToken cancellationToken);
}
