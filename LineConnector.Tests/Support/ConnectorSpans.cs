using System.Collections.Concurrent;
using System.Diagnostics;
using LineConnector.Core.Telemetry;

namespace LineConnector.Tests.Support;

/// <summary>
/// Records the connector's spans (<see cref="ConnectorTelemetry.Source"/>) of one trace: the test's own
/// root span, current from construction to disposal. Spans of tests running in parallel are in other
/// traces and left out.
/// </summary>
public sealed class ConnectorSpans : IDisposable
{
    private readonly ActivityListener _listener;

    public ConnectorSpans()
    {
        Root = new Activity("test").SetIdFormat(ActivityIdFormat.W3C);
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ConnectorTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == Root.TraceId)
                {
                    Stopped.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
        Root.Start();
    }

    /// <summary>The test's span: the parent of what the code under test starts.</summary>
    public Activity Root { get; }

    public ConcurrentQueue<Activity> Stopped { get; } = new();

    public Activity Single(string name) => Stopped.Should().ContainSingle(a => a.DisplayName == name).Subject;

    public void Dispose()
    {
        Root.Stop();
        _listener.Dispose();
    }
}
