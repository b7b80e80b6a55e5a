using System.Text.Json;
using LineConnector.Core.Channels;
using LineConnector.Core.Line.Api;
using LineConnector.Core.Routing;
using LineConnector.Core.Storage;

namespace LineConnector.Core.Enquiries;

/// <summary>
/// Which failures of a <c>line-inbound</c> message are permanent (DESIGN §6), so that the message is
/// recorded as rejected and completed instead of holding up the source's later events: bad data at once
/// (a body that is no event or check, a row or channel that cannot be read, input Table Storage refuses),
/// and on the queue's last delivery any failure not known to be transient (the same one every time).
/// Transient failures (the store, the queue, Key Vault, a destination unavailable, a concurrent change)
/// are retried: Service Bus redelivers the message.
/// </summary>
public static class InboundFailures
{
    public static bool IsPermanent(Exception failure, int deliveryCount, int maxDeliveryCount) => failure switch
    {
        OperationCanceledException => false,
        JsonException or FormatException or ArgumentException or EnquiryRowException or ChannelConfigurationException => true,

        // 400: keys or values Table Storage does not take. Other statuses (throttling, 5xx, a missing role) may pass.
        TableStoreException { Status: 400 } => true,
        TableStoreException or HttpRequestException or TimeoutException or IOException
            or DestinationUnavailableException or EnquiryChangedException or SecretStoreException or LineApiException { IsTransient: true } => false,
        _ => deliveryCount >= maxDeliveryCount,
    };

    /// <summary>What a rejection record says of the failure (exception messages in the connector never hold secrets).</summary>
    public static string Reason(Exception failure) => $"{failure.GetType().Name}: {failure.Message}";
}
