using System.Text.Json;
using LineConnector.Core.Channels;
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
    /// <summary>LINE's user, group and room ids are 33 characters; anything much longer is no LINE id.</summary>
    public const int MaxSourceIdLength = 100;

    /// <summary>The channel a rejection is recorded under when the message's session names none.</summary>
    public const string UnknownChannel = "_";

    public static bool IsPermanent(Exception failure, int deliveryCount, int maxDeliveryCount) => failure switch
    {
        OperationCanceledException => false,
        JsonException or FormatException or ArgumentException or EnquiryRowException or ChannelConfigurationException => true,

        // 400: keys or values Table Storage does not take. Other statuses (throttling, 5xx, a missing role) may pass.
        TableStoreException { Status: 400 } => true,
        TableStoreException or HttpRequestException or TimeoutException or IOException
            or DestinationUnavailableException or EnquiryChangedException or ChannelStoreUnavailableException => false,
        _ => deliveryCount >= maxDeliveryCount,
    };

    /// <summary>What a rejection record says of the failure (exception messages in the connector never hold secrets).</summary>
    public static string Reason(Exception failure) => $"{failure.GetType().Name}: {failure.Message}";

    /// <summary>The channel and source a message's session id (<c>{channel id}:{source id}</c>) names.</summary>
    public static (string ChannelId, string? SourceId) Conversation(string sessionId)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        var at = sessionId.IndexOf(':', StringComparison.Ordinal);
        var channelId = at > 0 ? sessionId[..at] : sessionId;
        return ChannelId.IsValid(channelId)
            ? (channelId, at > 0 && at < sessionId.Length - 1 ? sessionId[(at + 1)..] : null)
            : (UnknownChannel, sessionId.Length > 0 ? sessionId : null);
    }
}
