using LineConnector.Core.Chat;
using LineConnector.Core.Enquiries;

namespace LineConnector.Functions.Chat;

/// <summary>Read receipts with what became of each logged: a refusal or failure of LINE as a warning (the token never appears).</summary>
public sealed partial class LoggedReadReceipts(ReadReceipts receipts, ILogger<LoggedReadReceipts> logger)
{
    /// <param name="trigger">What asked for it: <c>staff reply</c> or <c>read call</c>.</param>
    public async Task<ReadReceipt> MarkAsync(EnquiryAccess access, string trigger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(access);
        var receipt = await receipts.MarkAsync(access.Channel, access.Enquiry, cancellationToken);
        if (receipt.Status == ReadReceipt.Failed)
        {
            LogFailed(access.Channel.Id, access.Enquiry.Id, trigger, receipt.Reason);
        }
        else
        {
            LogOutcome(access.Channel.Id, access.Enquiry.Id, trigger, receipt.Status);
        }

        return receipt;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Channel {ChannelId}, enquiry {EnquiryId}: the read receipt after a {Trigger} failed: {Reason}")]
    private partial void LogFailed(string channelId, string enquiryId, string trigger, string? reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Channel {ChannelId}, enquiry {EnquiryId}: read receipt after a {Trigger}: {Status}")]
    private partial void LogOutcome(string channelId, string enquiryId, string trigger, string status);
}
