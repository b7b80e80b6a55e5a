using LineConnector.Core.Channels;

namespace LineConnector.Tests.Channels;

/// <summary>Valid channel settings to start each test from.</summary>
internal static class ChannelSamples
{
    public static Destination Webhook(string id, DestinationKind kind = DestinationKind.Bot) => new()
    {
        Id = id,
        Kind = kind,
        Transport = DestinationTransport.HttpsWebhook,
        WebhookUrl = new Uri($"https://{id}.example.com/line"),
    };

    public static Destination Queue(string id) => new()
    {
        Id = id,
        Kind = DestinationKind.Staff,
        Transport = DestinationTransport.ServiceBusQueue,
        QueueName = $"{id}-enquiries",
    };

    public static ChannelSettings Settings(params string[] destinationIds)
    {
        var ids = destinationIds.Length == 0 ? ["bot"] : destinationIds;
        return new ChannelSettings
        {
            Name = "Support",
            TimeZone = "Asia/Tokyo",
            Destinations = ids.Select(id => Webhook(id)).ToList(),
            Routing = new RoutingRule { Kind = RoutingKind.Alternative, Targets = ids.Select(id => new RoutingTarget(id)).ToList() },
        };
    }

    /// <summary>Every feature of the model in use: time windows, sticky with a fallback, schedules, queue and webhook destinations, edited texts.</summary>
    public static ChannelSettings Full() => new()
    {
        Name = "ご案内 Support",
        CustomInfo = "Check the order number first.\nEscalate refunds to the desk.",
        TimeZone = "Asia/Tokyo",
        Destinations =
        [
            Webhook("faq-bot"),
            Queue("desk") with
            {
                Schedule = new WeeklySchedule
                {
                    Days = new Dictionary<DayOfWeek, IReadOnlyList<TimeRange>>
                    {
                        [DayOfWeek.Monday] = [new(new(9, 0), new(12, 0)), new(new(13, 0), new(18, 0))],
                        [DayOfWeek.Saturday] = [new(new(22, 0), new(2, 0))],
                    },
                },
            },
            Webhook("night-desk", DestinationKind.Staff),
        ],
        Routing = new RoutingRule
        {
            Kind = RoutingKind.Sticky,
            Fallback = new RoutingRule
            {
                Kind = RoutingKind.Time,
                TimeWindows =
                [
                    new TimeWindow([DayOfWeek.Monday, DayOfWeek.Tuesday], new(9, 0), new(18, 0), ["desk"]),
                    new TimeWindow([DayOfWeek.Friday], new(22, 0), new(6, 0), ["night-desk"]),
                ],
                OtherTimes = ["faq-bot"],
            },
        },
        AutoMessages = new AutoMessages
        {
            Welcome = new AutoMessage(true, "Hello! {staff} will be with you shortly."),
            Away = new AutoMessage(true),
            Close = new AutoMessage(false, "Bye"),
        },
        StaffNameFormat = StaffNameFormat.FirstAndLastName,
        MissedEnquiryTimeoutSeconds = 90,
        StickyPeriodMinutes = 7 * 24 * 60,
    };
}
