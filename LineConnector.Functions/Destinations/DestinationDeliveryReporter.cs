using LineConnector.Core.Channels;
using LineConnector.Core.Destinations;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Outbound;
using LineConnector.Core.Queueing;
using LineConnector.Functions.Outbound;

namespace LineConnector.Functions.Destinations;

/// <summary>
/// Logs how every outbound message ended (<see cref="LoggingDeliveryReporter"/>), and tells the destination
/// that sent a reply (<see cref="OutboundResult.ReportTo"/>) how it ended: a
/// <c>delivery</c> message with LINE's message ids, or the failure and its reasons. Its id is
/// <c>delivery-{outbound id}</c> on every resend, so a destination drops repeats. An unavailable
/// destination throws (the outbound message is redelivered and reports again); one that refuses the
/// report, or is gone from the channel, is logged: the result stays in the outbound records.
/// </summary>
public sealed partial class DestinationDeliveryReporter(
    LoggingDeliveryReporter log,
    ChannelCache channels,
    EnquiryStore enquiries,
    DestinationSender sender,
    TimeProvider clock,
    ILogger<DestinationDeliveryReporter> logger) : IDeliveryReporter
{
    public async Task ReportAsync(OutboundResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        await log.ReportAsync(result, cancellationToken);
        if (result.ReportTo is not { } destinationId || result.ChannelId is not { } channelId)
        {
            return;
        }

        var channel = (await channels.GetAsync(channelId, cancellationToken))?.Channel;
        if (channel?.Settings.Destinations.FirstOrDefault(d => d.Id == destinationId) is not { } destination)
        {
            LogNotReported(result.OutboundId, channelId, destinationId, "it is not one of the channel's destinations (any more)");
            return;
        }

        var enquiry = result.EnquiryId is { } enquiryId ? await enquiries.GetAsync(enquiryId, cancellationToken) : null;
        var message = new DestinationMessage
        {
            Kind = DestinationMessage.DeliveryKind,
            Id = $"delivery-{result.OutboundId}",
            Enquiry = new EnquiryInfo(result.EnquiryId ?? "", enquiry is null ? "unknown" : EnquiryTexts.State.Format(enquiry.Enquiry.State), enquiry?.Enquiry.StaffMemberId),
            Channel = ChannelInfo.Of(channel),
            Delivery = new DeliveryInfo(
                result.OutboundId,
                OutboundTexts.Status.Format(result.Status),
                result.SentMessageIds,
                result.Failure is { } failure ? new DeliveryFailureInfo(OutboundTexts.FailureKind.Format(failure.Kind), failure.Reason, failure.Details, failure.LineStatus) : null),
            SentAt = clock.GetUtcNow(),
        };

        var outcome = await sender.SendAsync(channelId, destination, message, ConversationSession.Id(channelId, result.Recipient), cancellationToken);
        switch (outcome.Result)
        {
            case DestinationResult.Unavailable:
                throw new DestinationUnavailableException($"The result of outbound {result.OutboundId} could not be reported to {destinationId}: {outcome.Reason}.");
            case DestinationResult.Refused:
                LogNotReported(result.OutboundId, channelId, destinationId, outcome.Reason);
                break;
            default:
                LogReported(result.OutboundId, channelId, destinationId, message.Delivery.Status);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbound {OutboundId} on channel {ChannelId}: {Status}, reported to {DestinationId}")]
    private partial void LogReported(string outboundId, string channelId, string destinationId, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbound {OutboundId} on channel {ChannelId}: the result is not reported to {DestinationId}: {Reason}")]
    private partial void LogNotReported(string outboundId, string channelId, string destinationId, string reason);
}
