using System.Diagnostics.Metrics;
using LineConnector.Core.Channels;
using LineConnector.Core.Destinations;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Line.Api;
using LineConnector.Core.Outbound;

namespace LineConnector.Core.Telemetry;

/// <summary>
/// The connector's metrics, on <see cref="ConnectorTelemetry.Meter"/> (docs/operations.md lists them).
/// Every handler is at least once, so a count may include a redelivery that repeated the work's last
/// step; enquiry counts are taken when the change is written, which happens once per change.
/// </summary>
public static class ConnectorMetrics
{
    public const string WebhookEventsName = "line_connector.webhook.events";
    public const string EnquiriesOpenedName = "line_connector.enquiries.opened";
    public const string EnquiriesMissedName = "line_connector.enquiries.missed";
    public const string EnquiriesClosedName = "line_connector.enquiries.closed";
    public const string LineMessagesSentName = "line_connector.line.messages.sent";
    public const string LineFailuresName = "line_connector.line.failures";
    public const string DestinationDurationName = "line_connector.destination.duration";
    public const string QuotaUsedName = "line_connector.line.quota.used";
    public const string TranslationFailuresName = "line_connector.translation.failures";

    private static readonly Counter<long> WebhookEvents = ConnectorTelemetry.Meter.CreateCounter<long>(
        WebhookEventsName, "{event}", "LINE webhook events accepted and queued on line-inbound, per channel.");

    private static readonly Counter<long> EnquiriesOpened = ConnectorTelemetry.Meter.CreateCounter<long>(
        EnquiriesOpenedName, "{enquiry}", "Enquiries opened, per channel.");

    private static readonly Counter<long> EnquiriesMissed = ConnectorTelemetry.Meter.CreateCounter<long>(
        EnquiriesMissedName, "{enquiry}", "Enquiries that became missed (nobody accepted in time, or no destination was available), per channel.");

    private static readonly Counter<long> EnquiriesClosed = ConnectorTelemetry.Meter.CreateCounter<long>(
        EnquiriesClosedName, "{enquiry}", "Enquiries closed, per channel and by whom (destination, staff, auto-close).");

    private static readonly Counter<long> LineMessagesSent = ConnectorTelemetry.Meter.CreateCounter<long>(
        LineMessagesSentName, "{message}", "Message objects LINE accepted, per channel and method: reply (free) or push (counted against the quota).");

    private static readonly Counter<long> LineFailures = ConnectorTelemetry.Meter.CreateCounter<long>(
        LineFailuresName, "{call}", "LINE API calls that failed after their retries, per channel, operation and kind of failure.");

    private static readonly Counter<long> TranslationFailures = ConnectorTelemetry.Meter.CreateCounter<long>(
        TranslationFailuresName, "{text}", "Translations that failed (the message went on untranslated), per channel, provider, direction (to-staff, to-user) and provider status (0: not reached or timed out).");

    private static readonly Gauge<double> QuotaUsed = ConnectorTelemetry.Meter.CreateGauge<double>(
        QuotaUsedName, "1", "The share of the month's message limit used (0 to 1), per channel, as last read from LINE; the connector warns past 0.8.");

    private static readonly Histogram<double> DestinationDuration = ConnectorTelemetry.Meter.CreateHistogram(
        DestinationDurationName,
        "s",
        "Time a destination took to take an event or notice: its webhook's answer, or the send to its queue.",
        tags: null,
        // Up to the destinations' 10 s timeout (DestinationWebhookOptions.Timeout).
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    public static void EventsQueued(string channelId, int events) =>
        WebhookEvents.Add(events, new KeyValuePair<string, object?>(ConnectorTelemetry.ChannelAttribute, channelId));

    /// <summary>An enquiry was written: <paramref name="before"/> is null when it was inserted.</summary>
    public static void EnquiryWritten(string channelId, Enquiry? before, Enquiry after)
    {
        ArgumentNullException.ThrowIfNull(after);
        var channel = new KeyValuePair<string, object?>(ConnectorTelemetry.ChannelAttribute, channelId);
        if (before is null)
        {
            EnquiriesOpened.Add(1, channel);
        }

        if (after.State == EnquiryState.Missed && before?.State != EnquiryState.Missed)
        {
            EnquiriesMissed.Add(1, channel);
        }

        if (after.State == EnquiryState.Closed && before?.State != EnquiryState.Closed)
        {
            EnquiriesClosed.Add(1, channel, new KeyValuePair<string, object?>(ConnectorTelemetry.EnquiryClosedByAttribute, after.ClosedBy is { } by ? EnquiryTexts.Closer.Format(by) : null));
        }
    }

    public static void LineMessagesAccepted(string channelId, DeliveryMethod method, int messages) =>
        LineMessagesSent.Add(
            messages,
            new KeyValuePair<string, object?>(ConnectorTelemetry.ChannelAttribute, channelId),
            new KeyValuePair<string, object?>(ConnectorTelemetry.DeliveryMethodAttribute, OutboundTexts.Method.Format(method)));

    public static void QuotaRead(string channelId, double usedShare) =>
        QuotaUsed.Record(usedShare, new KeyValuePair<string, object?>(ConnectorTelemetry.ChannelAttribute, channelId));

    public static void LineCallFailed(string? channelId, LineApiException failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        LineFailures.Add(
            1,
            new KeyValuePair<string, object?>(ConnectorTelemetry.ChannelAttribute, channelId),
            new KeyValuePair<string, object?>(ConnectorTelemetry.LineOperationAttribute, failure.Operation),
            new KeyValuePair<string, object?>(ConnectorTelemetry.LineErrorKindAttribute, failure.Kind.ToString()));
    }

    public static void DestinationAnswered(string channelId, Destination destination, DestinationResult result, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(destination);
        DestinationDuration.Record(
            elapsed.TotalSeconds,
            new KeyValuePair<string, object?>(ConnectorTelemetry.ChannelAttribute, channelId),
            new KeyValuePair<string, object?>(ConnectorTelemetry.DestinationAttribute, destination.Id),
            new KeyValuePair<string, object?>(ConnectorTelemetry.DestinationTransportAttribute, ChannelTexts.Transport.Format(destination.Transport)),
            new KeyValuePair<string, object?>(ConnectorTelemetry.DestinationResultAttribute, DestinationTexts.Result.Format(result)));
    }

    public static void TranslationFailed(string channelId, string provider, string direction, int status) =>
        TranslationFailures.Add(
            1,
            new KeyValuePair<string, object?>(ConnectorTelemetry.ChannelAttribute, channelId),
            new KeyValuePair<string, object?>(ConnectorTelemetry.TranslationProviderAttribute, provider),
            new KeyValuePair<string, object?>(ConnectorTelemetry.TranslationDirectionAttribute, direction),
            new KeyValuePair<string, object?>(ConnectorTelemetry.TranslationStatusAttribute, status));
}
