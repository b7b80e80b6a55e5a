namespace LineConnector.Functions.LocalMode;

/// <summary>Settings of the in-process queue that stands in for Service Bus in local mode (section <c>LocalQueue</c>).</summary>
public sealed class LocalQueueOptions
{
    public const string Section = "LocalQueue";

    /// <summary>Deliveries before a message is dead-lettered; Service Bus's default is 10.</summary>
    public int MaxDeliveryCount { get; set; } = 10;

    /// <summary>A message whose MessageId was sent within this window is dropped, as with Service Bus duplicate detection.</summary>
    public TimeSpan DuplicateDetectionWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Wait before a failed message is delivered again (Service Bus redelivers once the lock is abandoned).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Sessions handled at the same time, as <c>maxConcurrentSessions</c> in host.json; each session handles one message at a time.
    /// More than the host's 16: a session waiting for the store or its destination costs local mode only a task, and with 16 the
    /// sessions waiting were what limited throughput (README, "Performance").
    /// </summary>
    public int MaxConcurrentSessions { get; set; } = 64;
}
