namespace LineConnector.Core.Destinations;

public enum DestinationResult
{
    /// <summary>2xx, or the message is on the destination's queue.</summary>
    Accepted,

    /// <summary>503 (or another 5xx, 408, 429), a timeout or no connection: the rule's next choice gets the enquiry.</summary>
    Unavailable,

    /// <summary>Another 4xx, or nothing could be sent (no secret, a URL the connector does not call): recorded, not retried.</summary>
    Refused,
}

public static class DestinationTexts
{
    /// <summary>How telemetry names a result: <c>accepted</c>, <c>unavailable</c>, <c>refused</c>.</summary>
    public static readonly EnumText<DestinationResult> Result = EnumText.Kebab<DestinationResult>();
}

/// <param name="Status">The HTTP status, when the destination answered.</param>
/// <param name="Reason">A sentence for the record; never a secret.</param>
public sealed record DestinationOutcome(DestinationResult Result, int? Status, string Reason);
