namespace LineConnector.Core.Channels;

/// <summary>The texts of the channel model's enums, shared by the admin API, the command line and Table entities.</summary>
public static class ChannelTexts
{
    public static readonly EnumText<ChannelStatus> Status = new(
        (ChannelStatus.Active, "active"),
        (ChannelStatus.Suspended, "suspended"),
        (ChannelStatus.Deleted, "deleted"));

    public static readonly EnumText<StaffNameFormat> StaffNameFormat = new(
        (Channels.StaffNameFormat.None, "none"),
        (Channels.StaffNameFormat.FirstName, "first"),
        (Channels.StaffNameFormat.FirstAndLastName, "first-last"));

    public static readonly EnumText<RoutingKind> RoutingKind = new(
        (Channels.RoutingKind.Alternative, "alternative"),
        (Channels.RoutingKind.Percentage, "percentage"),
        (Channels.RoutingKind.Time, "time"),
        (Channels.RoutingKind.Sticky, "sticky"));

    public static readonly EnumText<DestinationKind> DestinationKind = new(
        (Channels.DestinationKind.Bot, "bot"),
        (Channels.DestinationKind.Staff, "staff"));

    public static readonly EnumText<DestinationTransport> Transport = new(
        (DestinationTransport.HttpsWebhook, "https-webhook"),
        (DestinationTransport.ServiceBusQueue, "service-bus-queue"));

    public static readonly EnumText<DayOfWeek> Day = new(
        (DayOfWeek.Monday, "mon"),
        (DayOfWeek.Tuesday, "tue"),
        (DayOfWeek.Wednesday, "wed"),
        (DayOfWeek.Thursday, "thu"),
        (DayOfWeek.Friday, "fri"),
        (DayOfWeek.Saturday, "sat"),
        (DayOfWeek.Sunday, "sun"));
}
