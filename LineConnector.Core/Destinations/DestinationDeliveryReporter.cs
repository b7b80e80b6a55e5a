using LineConnector.Core.Channels;
using LineConnector.Core.Cost;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Outbound;
using LineConnector.Core.Queueing;

namespace LineConnector.Core.Destinations;

/// <summary>
/// Tells the destination that sent a reply (<see cref="OutboundResult.ReportTo"/>) how it ended: a
/// <c>delivery</c> message with LINE's message ids, the failure and its reasons, or that its outcome is
/// uncertain. Its id is <c>delivery-{outbound id}</c> on every resend, so a destination drops repeats.
/// An unavailable destination throws <see cref="DestinationUnavailableException"/> (the outbound message is
/// redelivered and reports again); one that refuses the report, or is gone from the channel, is not told:
/// the result stays in the outbound records.
/// </summary>
/// <remarks>Every report, and every result with a channel, carries the channel's quota warning while there is one (<see cref="QuotaWatch"/>).</remarks>
public sealed class DestinationDeliveryReporter(ChannelCache channels, EnquiryStore enquiries, DestinationSender sender, QuotaWatch quota, TimeProvider clock) : IDeliveryReporter
{
    public async Task<DeliveryReport> ReportAsync(OutboundResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        var warning = result.ChannelId is { } channel ? (await quota.GetAsync(channel, cancellationToken))?.Warning : null;
        var report = await SendAsync(result, warning, cancellationToken);
        return warning is null ? report : report with { QuotaWarning = warning };
    }

    private async Task<DeliveryReport> SendAsync(OutboundResult result, string? quotaWarning, CancellationToken cancellationToken)
    {
        if (result.ReportTo is not { } destinationId || result.ChannelId is not { } channelId)
        {
            return DeliveryReport.Nobody;
        }

        var channel = (await channels.GetAsync(channelId, cancellationToken))?.Channel;
        if (channel?.Settings.Destinations.FirstOrDefault(d => d.Id == destinationId) is not { } destination)
        {
            return new DeliveryReport(destinationId, false, "it is not one of the channel's destinations (any more)");
        }

        var enquiry = result.EnquiryId is { } enquiryId ? await enquiries.GetAsync(enquiryId, cancellationToken) : null;
        // Only a channel that translates can have sent a reply untranslated: one more read for those.
        var untranslated = channel.Settings.Translation.Enabled && enquiry is not null
            ? await enquiries.FindProcessedAsync(channelId, enquiry.Enquiry.SourceId, EnquiryService.TranslationFailureCause(result.OutboundId), cancellationToken)
            : null;
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
                result.Failure is { } failure ? new DeliveryFailureInfo(OutboundTexts.FailureKind.Format(failure.Kind), failure.Reason, failure.Details, failure.LineStatus) : null)
            {
                QuotaWarning = quotaWarning,
                TranslationFailure = untranslated?.Detail,
            },
            SentAt = clock.GetUtcNow(),
        };

        var outcome = await sender.SendAsync(channelId, destination, message, ConversationSession.Id(channelId, result.Recipient), cancellationToken);
        return outcome.Result switch
        {
            DestinationResult.Unavailable => throw new DestinationUnavailableException($"The result of outbound {result.OutboundId} could not be reported to {destinationId}: {outcome.Reason}."),
            DestinationResult.Refused => new DeliveryReport(destinationId, false, outcome.Reason),
            _ => new DeliveryReport(destinationId, true, null),
        };
    }
}
