using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LineConnector.Core.Telemetry;

/// <summary>
/// The connector's one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named
/// <see cref="Name"/>, and the names of the attributes it sets. Attributes carry ids and kinds only:
/// never a secret, a token, a signature, a message text or a LINE user id (DESIGN §6).
/// </summary>
public static class ConnectorTelemetry
{
    public const string Name = "LineConnector";

    public const string ChannelAttribute = "line_connector.channel.id";
    public const string DestinationAttribute = "line_connector.destination.id";
    public const string DestinationTransportAttribute = "line_connector.destination.transport";
    public const string DestinationResultAttribute = "line_connector.destination.result";
    public const string EnquiryClosedByAttribute = "line_connector.enquiry.closed_by";
    public const string DeliveryMethodAttribute = "line_connector.delivery.method";
    public const string LineOperationAttribute = "line_connector.line.operation";
    public const string LineErrorKindAttribute = "line_connector.line.error_kind";
    public const string LineRequestIdAttribute = "line_connector.line.request_id";
    public const string LineAttemptsAttribute = "line_connector.line.attempts";
    public const string TranslationProviderAttribute = "line_connector.translation.provider";
    public const string TranslationDirectionAttribute = "line_connector.translation.direction";
    public const string TranslationStatusAttribute = "line_connector.translation.status";

    /// <summary>OpenTelemetry's general attribute for the class of an error.</summary>
    public const string ErrorTypeAttribute = "error.type";

    private static readonly string? Version = typeof(ConnectorTelemetry).Assembly.GetName().Version?.ToString();

    public static ActivitySource Source { get; } = new(Name, Version);

    public static Meter Meter { get; } = new(Name, Version);

    /// <summary>Marks <paramref name="activity"/> failed with the error's type; its message is left out, as it may quote what a caller sent.</summary>
    public static void Failed(Activity? activity, Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        activity?.SetStatus(ActivityStatusCode.Error, error.GetType().Name)
            .SetTag(ErrorTypeAttribute, error.GetType().FullName);
    }
}
