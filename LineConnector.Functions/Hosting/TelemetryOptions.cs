namespace LineConnector.Functions.Hosting;

/// <summary>Where the connector's traces and metrics go besides Application Insights (section <c>Telemetry</c>).</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>
    /// Write spans and metrics to standard output (local mode). Off by default: under the Functions host
    /// every line of standard output becomes an Application Insights trace.
    /// </summary>
    public bool Console { get; set; }
}
