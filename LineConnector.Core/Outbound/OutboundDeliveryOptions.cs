namespace LineConnector.Core.Outbound;

/// <summary>Settings of <see cref="OutboundDelivery"/> (section <c>Outbound</c>).</summary>
public sealed class OutboundDeliveryOptions
{
    public const string Section = "Outbound";

    /// <summary>
    /// A reply token older than this (since its webhook was received) is not used: LINE accepts it for
    /// about a minute, and the margin covers the time the reply takes to arrive.
    /// </summary>
    public TimeSpan ReplyTokenMaxAge { get; set; } = TimeSpan.FromSeconds(50);

    /// <summary>
    /// The queue's maximum delivery count (Service Bus's default is 10). On the last delivery a
    /// transient failure is recorded and reported as a failure instead of being left to the dead-letter queue.
    /// </summary>
    public int MaxDeliveryCount { get; set; } = 10;
}
