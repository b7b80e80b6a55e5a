using System.Diagnostics;
using System.Text.Json;
using LineConnector.Core.Channels;
using LineConnector.Core.Queueing;
using LineConnector.Core.Telemetry;

namespace LineConnector.Core.Destinations;

/// <summary>
/// Sends a <see cref="DestinationMessage"/> to a destination by its transport: a signed HTTPS POST
/// or a message on its Service Bus queue. The body is serialized once, so what is signed is what is sent.
/// Each send is a span, and the destination's time to take it is measured (<see cref="ConnectorMetrics"/>).
/// </summary>
public sealed class DestinationSender(DestinationWebhookClient webhooks, IQueueSender queues, IDestinationSecrets secrets, TimeProvider clock)
{
    /// <param name="sessionId">The Service Bus session of a queue destination (the conversation), so its messages stay in order.</param>
    /// <exception cref="SecretStoreException">The destination's secret cannot be read now.</exception>
    public async Task<DestinationOutcome> SendAsync(string channelId, Destination destination, DestinationMessage message, string sessionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(message);
        using var activity = ConnectorTelemetry.Source.StartActivity($"destination {message.Kind}", ActivityKind.Internal);
        activity?.SetTag(ConnectorTelemetry.ChannelAttribute, channelId)
            .SetTag(ConnectorTelemetry.DestinationAttribute, destination.Id)
            .SetTag(ConnectorTelemetry.DestinationTransportAttribute, ChannelTexts.Transport.Format(destination.Transport));
        try
        {
            var outcome = await SendAsync(channelId, destination, message, sessionId, JsonSerializer.SerializeToUtf8Bytes(message, DestinationJsonContext.Default.DestinationMessage), cancellationToken);
            activity?.SetTag(ConnectorTelemetry.DestinationResultAttribute, DestinationTexts.Result.Format(outcome.Result));
            if (outcome.Result != DestinationResult.Accepted)
            {
                activity?.SetStatus(ActivityStatusCode.Error, DestinationTexts.Result.Format(outcome.Result));
            }

            return outcome;
        }
        catch (Exception e)
        {
            ConnectorTelemetry.Failed(activity, e);
            throw;
        }
    }

    private async Task<DestinationOutcome> SendAsync(string channelId, Destination destination, DestinationMessage message, string sessionId, byte[] body, CancellationToken cancellationToken)
    {
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

                var started = clock.GetTimestamp();
                var answer = await webhooks.PostAsync(url, body, DestinationSignature.Compute(body, secret), message.Id, cancellationToken);
                ConnectorMetrics.DestinationAnswered(channelId, destination, answer.Result, clock.GetElapsedTime(started));
                return answer;

            case DestinationTransport.ServiceBusQueue when destination.QueueName is { } queue:
                var sending = clock.GetTimestamp();
                // A failed send throws: the caller's queue message is redelivered and this is sent again (same message id).
                await queues.SendAsync(queue, [new QueueMessage(message.Id, sessionId, body)], cancellationToken);
                ConnectorMetrics.DestinationAnswered(channelId, destination, DestinationResult.Accepted, clock.GetElapsedTime(sending));
                return new DestinationOutcome(DestinationResult.Accepted, null, $"queued on {queue}");

            default:
                return new DestinationOutcome(DestinationResult.Refused, null, $"Destination '{destination.Id}' has no {ChannelTexts.Transport.Format(destination.Transport)} address.");
        }
    }
}
