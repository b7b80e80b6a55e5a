namespace LineConnector.Core.Enquiries;

/// <summary>Enquiry settings of the whole app (section <c>Enquiries</c>).</summary>
/// <remarks>Setters, not init accessors: the configuration binding generator binds only settable properties.</remarks>
public sealed record EnquiryOptions
{
    public const string Section = "Enquiries";

    /// <summary>
    /// Close an enquiry after this long without activity, on every channel, with the close message and
    /// a notice to its destination; null (the default) never does: LINE has no idle limit.
    /// </summary>
    public TimeSpan? AutoCloseAfter { get; set; }

    /// <summary>A missed enquiry without a destination is offered to the routing rule again this long after it lost its destination.</summary>
    public TimeSpan OfferAgainAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Each offer that finds no destination doubles the wait before the next, up to this.</summary>
    public TimeSpan OfferAgainAtMost { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The <c>line-inbound</c> queue's max delivery count: on the last delivery a failure that is not
    /// known to be transient is taken as permanent (the same failure every time), and the message is
    /// recorded as rejected rather than dead-lettered.
    /// </summary>
    public int MaxDeliveryCount { get; set; } = 10;
}
