namespace LineConnector.Core.Channels;

/// <summary>The texts of the channel model's enums, shared by the admin API, the command line, Table entities and explanations.</summary>
public static class ChannelTexts
{
    public static readonly EnumText<ChannelStatus> Status = EnumText.Kebab<ChannelStatus>();

    public static readonly EnumText<StaffNameFormat> StaffNameFormat = new(
        (Channels.StaffNameFormat.None, "none"),
        (Channels.StaffNameFormat.FirstName, "first"),
        (Channels.StaffNameFormat.FirstAndLastName, "first-last"));

    public static readonly EnumText<RoutingKind> RoutingKind = EnumText.Kebab<RoutingKind>();

    public static readonly EnumText<DestinationKind> DestinationKind = EnumText.Kebab<DestinationKind>();

    public static readonly EnumText<DestinationTransport> Transport = EnumText.Kebab<DestinationTransport>();

    public static readonly EnumText<AutoMessageKind> AutoMessage = EnumText.Kebab<AutoMessageKind>();

    public static readonly EnumText<DayOfWeek> Day = new(
        (DayOfWeek.Monday, "mon"),
        (DayOfWeek.Tuesday, "tue"),
        (DayOfWeek.Wednesday, "wed"),
        (DayOfWeek.Thursday, "thu"),
        (DayOfWeek.Friday, "fri"),
        (DayOfWeek.Saturday, "sat"),
        (DayOfWeek.Sunday, "sun"));
}
