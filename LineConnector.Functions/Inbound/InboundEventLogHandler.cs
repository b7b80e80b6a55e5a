using LineConnector.Core.Inbound;
using LineConnector.Core.Line.Events;
using LineConnector.Core.Queueing;

namespace LineConnector.Functions.Inbound;

/// <summary>Handles <c>line-inbound</c> messages by reading and logging the event (enquiry handling builds on this).</summary>
public sealed partial class InboundEventLogHandler(ILogger<InboundEventLogHandler> logger) : IQueueMessageHandler
{
    public string QueueName => QueueNames.Inbound;

    public Task HandleAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        var envelope = InboundEnvelope.Parse(message.Body);
        var webhookEvent = WebhookEventReader.Read(envelope.Event);
        if (webhookEvent is UnknownEvent unknown)
        {
            LogUnknown(envelope.ChannelId, unknown.Type, unknown.WebhookEventId, unknown.ParseError ?? "type not known to this version");
        }
        else
        {
            LogReceived(envelope.ChannelId, webhookEvent.Type, webhookEvent.WebhookEventId, webhookEvent.Source?.Type, message.DeliveryCount);
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Channel {ChannelId}: {EventType} event {WebhookEventId} from a {SourceType} (delivery {DeliveryCount})")]
    private partial void LogReceived(string channelId, string eventType, string webhookEventId, string? sourceType, int deliveryCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Channel {ChannelId}: unknown event '{EventType}' {WebhookEventId} kept as raw JSON ({Why})")]
    private partial void LogUnknown(string channelId, string eventType, string webhookEventId, string why);
}
