using LineConnector.Core.Channels;
using LineConnector.Core.Routing;

namespace LineConnector.Core.Enquiries;

/// <summary>
/// A channel as enquiry handling uses it for one message: its settings as they are, its
/// destinations' presence read once, at the clock's time.
/// </summary>
public sealed class EnquiryChannel
{
    private readonly IReadOnlyList<DestinationStatus> _statuses;
    private readonly Router _router;

    public EnquiryChannel(Channel channel, IReadOnlyDictionary<string, DestinationPresence> presence, EnquiryOptions options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(options);
        Channel = channel;
        Lifecycle = new EnquiryLifecycle(clock, channel.Settings, options.AutoCloseAfter);
        _statuses = DestinationStatus.Of(channel.Settings, presence);
        _router = new Router(clock);
    }

    public Channel Channel { get; }

    public string Id => Channel.Id;

    public EnquiryLifecycle Lifecycle { get; }

    public Destination? Destination(string destinationId) => Channel.Settings.Destinations.FirstOrDefault(d => d.Id == destinationId);

    /// <summary>The auto-message's text for this channel, with the staff member's name in its format.</summary>
    public string AutoMessage(AutoMessageKind kind, StaffName? staff) =>
        Channel.Settings.AutoMessages.Render(kind, Channel.Settings.StaffNameFormat, staff);

    public DestinationChoice Route(string enquiryId, LastService? lastService, IReadOnlySet<string> failed) =>
        _router.Route(Channel.Settings.Routing, new RoutingRequest
        {
            EnquiryId = enquiryId,
            TimeZone = Channel.Settings.Zone,
            Destinations = _statuses,
            StickyPeriod = Channel.Settings.StickyPeriod,
            LastService = lastService,
            FailedDestinations = failed,
        });
}
