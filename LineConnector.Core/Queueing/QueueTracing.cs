using System.Collections.ObjectModel;
using System.Diagnostics;
using LineConnector.Core.Telemetry;

namespace LineConnector.Core.Queueing;

/// <summary>
/// Carries a trace across the queues. A send is a producer span, and each message sent gets its W3C
/// trace context (https://www.w3.org/TR/trace-context/) as the application properties
/// <c>traceparent</c> and <c>tracestate</c>; handling a message is a consumer span that continues that
/// trace, linked to the span it was called in (under the Functions host, the host's invocation).
/// Both queue senders (Service Bus and local mode's) and both dispatchers (the host's trigger endpoints
/// and local mode's pump) go through here. Span names and attributes follow OpenTelemetry's
/// messaging conventions.
/// </summary>
public static class QueueTracing
{
    public const string TraceParentProperty = "traceparent";
    public const string TraceStateProperty = "tracestate";

    /// <summary><c>messaging.system</c> of Azure Service Bus.</summary>
    public const string ServiceBusSystem = "servicebus";

    /// <summary><c>messaging.system</c> of local mode's in-process queue.</summary>
    public const string InProcessSystem = "line_connector.in_process";

    public static IReadOnlyDictionary<string, string> NoProperties { get; } = ReadOnlyDictionary<string, string>.Empty;

    /// <summary>Starts the span of a send of <paramref name="messages"/> messages (null when nobody listens).</summary>
    public static Activity? StartSend(string system, string queueName, int messages)
    {
        var activity = ConnectorTelemetry.Source.StartActivity($"send {queueName}", ActivityKind.Producer);
        activity?.SetTag("messaging.system", system)
            .SetTag("messaging.operation.type", "send")
            .SetTag("messaging.destination.name", queueName)
            .SetTag("messaging.batch.message_count", messages);
        return activity;
    }

    /// <summary>The message with the current span's trace context in its application properties; as it is when there is no span.</summary>
    public static QueueMessage WithTraceContext(QueueMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Activity.Current is not { IdFormat: ActivityIdFormat.W3C, Id: { } traceParent } current)
        {
            return message;
        }

        var properties = new Dictionary<string, string>(message.ApplicationProperties, StringComparer.Ordinal) { [TraceParentProperty] = traceParent };
        if (string.IsNullOrEmpty(current.TraceStateString))
        {
            properties.Remove(TraceStateProperty);
        }
        else
        {
            properties[TraceStateProperty] = current.TraceStateString;
        }

        return message with { ApplicationProperties = properties };
    }

    /// <summary>Hands <paramref name="message"/> to <paramref name="handler"/> in a consumer span that continues the message's trace.</summary>
    public static async Task HandleAsync(IQueueMessageHandler handler, ReceivedMessage message, string system, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(message);
        using var activity = StartProcess(system, handler.QueueName, message);
        try
        {
            await handler.HandleAsync(message, cancellationToken);
        }
        catch (Exception e)
        {
            ConnectorTelemetry.Failed(activity, e);
            throw;
        }
    }

    /// <summary>The trace context a message carries; null when it has none or it is malformed.</summary>
    public static ActivityContext? TraceContext(IReadOnlyDictionary<string, string> applicationProperties)
    {
        ArgumentNullException.ThrowIfNull(applicationProperties);
        return applicationProperties.TryGetValue(TraceParentProperty, out var traceParent)
            && ActivityContext.TryParse(traceParent, applicationProperties.GetValueOrDefault(TraceStateProperty), isRemote: true, out var context)
                ? context
                : null;
    }

    private static Activity? StartProcess(string system, string queueName, ReceivedMessage message)
    {
        var tags = new ActivityTagsCollection
        {
            ["messaging.system"] = system,
            ["messaging.operation.type"] = "process",
            ["messaging.destination.name"] = queueName,
            ["messaging.message.id"] = message.MessageId,
            ["messaging.servicebus.message.delivery_count"] = message.DeliveryCount,
        };
        if (TraceContext(message.ApplicationProperties) is not { } parent)
        {
            return ConnectorTelemetry.Source.StartActivity($"process {queueName}", ActivityKind.Consumer, parentContext: default, tags);
        }

        ActivityLink[] caller = Activity.Current is { } current ? [new ActivityLink(current.Context)] : [];
        return ConnectorTelemetry.Source.StartActivity($"process {queueName}", ActivityKind.Consumer, parent, tags, caller);
    }
}
