namespace LineConnector.Tests.Telemetry;

/// <summary>
/// Tests that count the connector's metrics run alone: its <see cref="System.Diagnostics.Metrics.Meter"/>
/// is one per process, so an app of a test running alongside would add to the counts.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry";
}
