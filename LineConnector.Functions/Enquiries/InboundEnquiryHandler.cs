using LineConnector.Core.Enquiries;
using LineConnector.Core.Queueing;

namespace LineConnector.Functions.Enquiries;

/// <summary>
/// The <c>line-inbound</c> trigger: hands each message to <see cref="InboundProcessor"/> and logs what
/// came of it. Returning completes the message (also one rejected for good); a transient failure
/// throws, and Service Bus redelivers it.
/// </summary>
public sealed partial class InboundEnquiryHandler(InboundProcessor processor, ILogger<InboundEnquiryHandler> logger) : IQueueMessageHandler
{
    public string QueueName => QueueNames.Inbound;

    public async Task HandleAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        var outcome = await processor.ProcessAsync(message, cancellationToken);
        var record = outcome.Record;
        if (outcome.Repeated)
        {
            LogRepeated(record.ChannelId, message.MessageId, message.DeliveryCount, record.Outcome);
        }
        else if (record.Outcome == InboundProcessor.Rejected)
        {
            LogRejected(record.ChannelId, message.MessageId, message.DeliveryCount, record.Detail);
        }
        else
        {
            LogHandled(record.ChannelId, record.EventType, message.MessageId, record.EnquiryId, record.Outcome, record.Detail, message.DeliveryCount);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Channel {ChannelId}: {EventType} {MessageId} (delivery {DeliveryCount}) {Outcome} enquiry {EnquiryId}: {Detail}")]
    private partial void LogHandled(string channelId, string eventType, string messageId, string? enquiryId, string outcome, string detail, int deliveryCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Channel {ChannelId}: {MessageId} (delivery {DeliveryCount}) is rejected and completed: {Detail}")]
    private partial void LogRejected(string channelId, string messageId, int deliveryCount, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Channel {ChannelId}: {MessageId} (delivery {DeliveryCount}) was handled before ({Outcome}); nothing is done twice")]
    private partial void LogRepeated(string channelId, string messageId, int deliveryCount, string outcome);
}
