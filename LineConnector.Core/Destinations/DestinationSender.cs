using System.Text.Json;
using LineConnector.Core.Channels;
using LineConnector.Core.Queueing;

namespace LineConnector.Core.Destinations;

/// <summary>
/// Sends a <see cref="DestinationMessage"/> to a destination by its transport: a signed HTTPS POST
/// or a message on its Service Bus queue. The body is serialized once, so what is signed is what is sent.
/// </summary>
public sealed class DestinationSender(DestinationWebhookClient webhooks, IQueueSender queues, IDestinationSecrets secrets)
{
    /// <param name="sessionId">The Service Bus session of a queue destination (the conversation), so its messages stay in order.</param>
    /// <exception cref="SecretStoreException">The destination's secret cannot be read now.</exception>
    public async Task<DestinationOutcome> SendAsync(string channelId, Destination destination, DestinationMessage message, string sessionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(message);
        var body = JsonSerializer.SerializeToUtf8Bytes(message, DestinationJsonContext.Default.DestinationMessage);
        switch (destination.Transport)
        {
            case DestinationTransport.HttpsWebhook when destination.WebhookUrl is { } url:
                string secret;
                try
                {
                    secret = await secrets.GetAsync(channelId, destination.Id, refresh: false, cancellationToken);
                }
                catch (DomainException e) when (e.Error == DomainError.Misconfigured)
                {
                    return new DestinationOutcome(DestinationResult.Refused, null, e.Message);
                }

                return await webhooks.PostAsync(url, body, DestinationSignature.Compute(body, secret), message.Id, cancellationToken);

            case DestinationTransport.ServiceBusQueue when destination.QueueName is { } queue:
                // A failed send throws: the caller's queue message is redelivered and this is sent again (same message id).
                await queues.SendAsync(queue, [new QueueMessage(message.Id, sessionId, body)], cancellationToken);
                return new DestinationOutcome(DestinationResult.Accepted, null, $"queued on {queue}");

            default:
                return new DestinationOutcome(DestinationResult.Refused, null, $"Destination '{destination.Id}' has no {ChannelTexts.Transport.Format(destination.Transport)} address.");
        }
    }
}
