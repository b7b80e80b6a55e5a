using LineConnector.Core.Destinations;
using LineConnector.Core.Outbound;

namespace LineConnector.Functions.Outbound;

/// <summary>
/// Logs how every outbound message ended (failures and uncertain replies as warnings, with every reason),
/// then reports it through <see cref="DestinationDeliveryReporter"/> and logs what became of the report.
/// </summary>
public sealed partial class LoggingDeliveryReporter(DestinationDeliveryReporter destinations, ILogger<LoggingDeliveryReporter> logger) : IDeliveryReporter
{
    public async Task<DeliveryReport> ReportAsync(OutboundResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Failure is { } failure)
        {
            LogFailed(result.OutboundId, result.ChannelId, OutboundTexts.Status.Format(result.Status), failure.Kind, failure.Reason, string.Join(" | ", failure.Details), result.SentMessageIds.Count);
        }
        else
        {
            LogDelivered(result.OutboundId, result.ChannelId, result.SentMessageIds.Count, result.Requests.Count(r => r.Method == DeliveryMethod.Reply), result.Requests.Count(r => r.Method == DeliveryMethod.Push));
        }

        var report = await destinations.ReportAsync(result, cancellationToken);
        if (report.QuotaWarning is { } warning)
        {
            LogQuotaWarning(result.ChannelId, warning);
        }

        if (report.Sent)
        {
            LogReported(result.OutboundId, result.ChannelId, report.DestinationId);
        }
        else if (report.DestinationId is not null)
        {
            LogNotReported(result.OutboundId, result.ChannelId, report.DestinationId, report.Note);
        }

        return report;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbound {OutboundId} on channel {ChannelId} delivered: {MessageCount} messages in {Replies} reply and {Pushes} push requests")]
    private partial void LogDelivered(string outboundId, string? channelId, int messageCount, int replies, int pushes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbound {OutboundId} on channel {ChannelId} {Status} ({Kind}): {Reason}: {Details} ({SentCount} messages had been sent)")]
    private partial void LogFailed(string outboundId, string? channelId, string status, OutboundFailureKind kind, string reason, string details, int sentCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Channel {ChannelId} is near its monthly LINE message limit: {Warning}")]
    private partial void LogQuotaWarning(string? channelId, string warning);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbound {OutboundId} on channel {ChannelId}: reported to {DestinationId}")]
    private partial void LogReported(string outboundId, string? channelId, string? destinationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbound {OutboundId} on channel {ChannelId}: the result is not reported to {DestinationId}: {Reason}")]
    private partial void LogNotReported(string outboundId, string? channelId, string destinationId, string? reason);
}
