using LineConnector.Core.Channels;
using LineConnector.Core.Routing;

namespace LineConnector.Core.Enquiries;

/// <summary>
/// A channel as enquiry handling uses it for one message: its settings turned into decisions
/// (<see cref="ChannelDecisions"/>), at the clock's time. Its destinations' presence is read once, and
/// only when the message needs routing (most continue an enquiry that has its destination).
/// </summary>
public sealed class EnquiryChannel
{
    private readonly Routing.RoutingRule _rule;
    private readonly TimeZoneInfo _zone;
    private readonly Router _router;
    private readonly PresenceStore _presence;
    private IReadOnlyList<DestinationStatus>? _statuses;

    public EnquiryChannel(Channel channel, PresenceStore presence, EnquiryOptions options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(presence);
        ArgumentNullException.ThrowIfNull(options);
        Channel = channel;
        AutoMessages = ChannelDecisions.AutoMessages(channel.Settings);
        _rule = ChannelDecisions.Rule(channel.Settings);
        _zone = ChannelDecisions.TimeZone(channel.Settings);
        var windows = channel.Settings.Destinations.SelectMany(d => ChannelDecisions.Schedule(d.Schedule)).Concat(Windows(_rule)).ToList();
        Lifecycle = new EnquiryLifecycle(clock, ChannelDecisions.Policy(channel.Settings, options.AutoCloseAfter), new OfferSchedule(options, windows, _zone));
        _router = new Router(clock);
        _presence = presence;
    }

    public Channel Channel { get; }

    public string Id => Channel.Id;

    public AutoMessageSettings AutoMessages { get; }

    public EnquiryLifecycle Lifecycle { get; }

    public Destination? Destination(string destinationId) => Channel.Settings.Destinations.FirstOrDefault(d => d.Id == destinationId);

    /// <param name="freshPresence">Read the destinations' presence now rather than as read recently on this instance (an offer made because someone became available).</param>
    /// <exception cref="InvalidRoutingRuleException">The channel's rule does not validate (a hand edit gone wrong).</exception>
    public async Task<DestinationChoice> RouteAsync(string enquiryId, LastService? lastService, IReadOnlySet<string> failed, bool freshPresence, CancellationToken cancellationToken)
    {
        _statuses ??= ChannelDecisions.Statuses(
            Channel.Settings, freshPresence ? await _presence.GetAsync(Id, cancellationToken) : await _presence.GetRecentAsync(Id, cancellationToken));
        return _router.Route(_rule, new RoutingRequest
        {
            EnquiryId = enquiryId,
            TimeZone = _zone,
            Destinations = _statuses,
            LastService = lastService,
            FailedDestinations = failed,
        });
    }

    /// <summary>The windows of a time rule (also as a sticky rule's fallback): when one opens, routing may find someone.</summary>
    private static IEnumerable<WeeklyWindow> Windows(Routing.RoutingRule rule) => rule switch
    {
        TimeRule time => time.Windows.Select(w => w.When),
        StickyRule sticky => Windows(sticky.Fallback),
        _ => [],
    };
}
