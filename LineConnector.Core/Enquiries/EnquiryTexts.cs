namespace LineConnector.Core.Enquiries;

/// <summary>The texts of the enquiry model's enums, as the enquiry API, Table entities, destinations and explanations show them.</summary>
public static class EnquiryTexts
{
    public static readonly EnumText<EnquiryState> State = EnumText.Kebab<EnquiryState>();

    public static readonly EnumText<EnquiryCloser> Closer = EnumText.Kebab<EnquiryCloser>();
}
