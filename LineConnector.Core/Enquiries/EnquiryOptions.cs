namespace LineConnector.Core.Enquiries;

/// <summary>Enquiry settings of the whole app (section <c>Enquiries</c>).</summary>
/// <remarks>Setters, not init accessors: the configuration binding generator binds only settable properties.</remarks>
public sealed record EnquiryOptions
{
    public const string Section = "Enquiries";

    /// <summary>
    /// The idle time after which an enquiry closes, for channels whose session expiry sets none
    /// (<see cref="Channels.SessionExpirySettings.IdleSeconds"/> left out): how the app-wide setting of earlier
    /// versions carries over. Null (the default): such channels never close an idle enquiry, as LINE has no idle limit.
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
