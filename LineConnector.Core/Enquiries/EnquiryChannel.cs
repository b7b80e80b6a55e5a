using LineConnector.Core.Channels;
using LineConnector.Core.Routing;

namespace LineConnector.Core.Enquiries;

/// <summary>
/// A channel as enquiry handling uses it for one message: its settings turned into decisions
/// (<see cref="ChannelDecisions"/>), its destinations' presence read once, at the clock's time.
/// </summary>
public sealed class EnquiryChannel
{
    private readonly Routing.RoutingRule _rule;
    private readonly TimeZoneInfo _zone;
    private readonly IReadOnlyList<DestinationStatus> _statuses;
    private readonly Router _router;

    public EnquiryChannel(Channel channel, IReadOnlyDictionary<string, DestinationPresence> presence, EnquiryOptions options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(options);
        Channel = channel;
        AutoMessages = ChannelDecisions.AutoMessages(channel.Settings);
        Lifecycle = new EnquiryLifecycle(clock, ChannelDecisions.Policy(channel.Settings, options.AutoCloseAfter));
        _rule = ChannelDecisions.Rule(channel.Settings);
        _zone = ChannelDecisions.TimeZone(channel.Settings);
        _statuses = ChannelDecisions.Statuses(channel.Settings, presence);
        _router = new Router(clock);
    }

    public Channel Channel { get; }

    public string Id => Channel.Id;

    public AutoMessageSettings AutoMessages { get; }

    public EnquiryLifecycle Lifecycle { get; }

    public Destination? Destination(string destinationId) => Channel.Settings.Destinations.FirstOrDefault(d => d.Id == destinationId);

    /// <exception cref="InvalidRoutingRuleException">The channel's rule does not validate (a hand edit gone wrong).</exception>
    public DestinationChoice Route(string enquiryId, LastService? lastService, IReadOnlySet<string> failed) =>
        _router.Route(_rule, new RoutingRequest
        {
            EnquiryId = enquiryId,
            TimeZone = _zone,
            Destinations = _statuses,
            LastService = lastService,
            FailedDestinations = failed,
        });
}
