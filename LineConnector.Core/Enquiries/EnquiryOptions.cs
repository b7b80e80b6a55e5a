namespace LineConnector.Core.Enquiries;

/// <summary>Enquiry settings of the whole app (section <c>Enquiries</c>).</summary>
public sealed record EnquiryOptions
{
    public const string Section = "Enquiries";

    /// <summary>
    /// Close an enquiry after this long without activity, on every channel, with the close message and
    /// a notice to its destination; null (the default) never does: LINE has no idle limit.
    /// </summary>
    public TimeSpan? AutoCloseAfter { get; set; }
}
