using LineConnector.Core.Outbound;

namespace LineConnector.Functions.Outbound;

/// <summary>Reports outbound results to the log, for local mode (failures as warnings, with every reason).</summary>
public sealed partial class LoggingDeliveryReporter(ILogger<LoggingDeliveryReporter> logger) : IDeliveryReporter
{
    public Task ReportAsync(OutboundResult result, CancellationToken cancellationToken)
    {
        if (result.Failure is { } failure)
        {
            LogFailed(result.OutboundId, result.ChannelId, result.ReportTo, failure.Kind, failure.Reason, string.Join(" | ", failure.Details), result.SentMessageIds.Count);
        }
        else
        {
            LogDelivered(result.OutboundId, result.ChannelId, result.ReportTo, result.SentMessageIds.Count, result.Requests.Count(r => r.Method == DeliveryMethod.Reply), result.Requests.Count(r => r.Method == DeliveryMethod.Push));
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbound {OutboundId} on channel {ChannelId} delivered (report to {ReportTo}): {MessageCount} messages in {Replies} reply and {Pushes} push requests")]
    private partial void LogDelivered(string outboundId, string? channelId, string? reportTo, int messageCount, int replies, int pushes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbound {OutboundId} on channel {ChannelId} failed (report to {ReportTo}): {Kind}, {Reason}: {Details} ({SentCount} messages had been sent)")]
    private partial void LogFailed(string outboundId, string? channelId, string? reportTo, OutboundFailureKind kind, string reason, string details, int sentCount);
}
