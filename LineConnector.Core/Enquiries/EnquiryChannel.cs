using LineConnector.Core.Channels;
using LineConnector.Core.Routing;

namespace LineConnector.Core.Enquiries;

/// <summary>
/// A channel as enquiry handling uses it for one message: its settings as they are, at the clock's
/// time. Its destinations' presence is read once, and only when the message needs routing (most
/// continue an enquiry that has its destination).
/// </summary>
public sealed class EnquiryChannel
{
    private readonly Router _router;
    private readonly PresenceStore _presence;
    private IReadOnlyList<DestinationStatus>? _statuses;

    public EnquiryChannel(Channel channel, PresenceStore presence, EnquiryOptions options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(presence);
        ArgumentNullException.ThrowIfNull(options);
        Channel = channel;
        var windows = channel.Settings.Destinations.SelectMany(d => d.Schedule?.Windows ?? []).Concat(Windows(channel.Settings.Routing)).ToList();
        Lifecycle = new EnquiryLifecycle(clock, channel.Settings, options.AutoCloseAfter, new OfferSchedule(options, windows, channel.Settings.Zone));
        _router = new Router(clock);
        _presence = presence;
    }

    public Channel Channel { get; }

    public string Id => Channel.Id;

    public EnquiryLifecycle Lifecycle { get; }

    public Destination? Destination(string destinationId) => Channel.Settings.Destinations.FirstOrDefault(d => d.Id == destinationId);

    /// <summary>The auto-message's text for this channel, with the staff member's name in its format.</summary>
    public string AutoMessage(AutoMessageKind kind, StaffName? staff) =>
        Channel.Settings.AutoMessages.Render(kind, Channel.Settings.StaffNameFormat, staff);

    /// <param name="freshPresence">Read the destinations' presence now rather than as read recently on this instance (an offer made because someone became available).</param>
    /// <param name="toStaff">Route by the channel's handover rule over its staff destinations (a bot handed the enquiry to staff), not by its routing rule.</param>
    public async Task<DestinationChoice> RouteAsync(string enquiryId, LastService? lastService, IReadOnlySet<string> failed, bool freshPresence, CancellationToken cancellationToken, bool toStaff = false)
    {
        _statuses ??= DestinationStatus.Of(
            Channel.Settings, freshPresence ? await _presence.GetAsync(Id, cancellationToken) : await _presence.GetRecentAsync(Id, cancellationToken));
        return toStaff
            ? RouteToStaff(Channel.Settings.Handover.RuleOver(Channel.Settings.Destinations), enquiryId, lastService, failed)
            : Route(Channel.Settings.Routing, enquiryId, lastService, failed, _statuses);
    }

    /// <summary>
    /// Routes a handover by <paramref name="rule"/> (the handover rule, or the one destination a bot named)
    /// over the channel's staff destinations only: a bot the rule might name is not available for it.
    /// </summary>
    public async Task<DestinationChoice> RouteToStaffAsync(RoutingRule rule, string enquiryId, LastService? lastService, IReadOnlySet<string> failed, CancellationToken cancellationToken)
    {
        _statuses ??= DestinationStatus.Of(Channel.Settings, await _presence.GetAsync(Id, cancellationToken));
        return RouteToStaff(rule, enquiryId, lastService, failed);
    }

    private DestinationChoice RouteToStaff(RoutingRule rule, string enquiryId, LastService? lastService, IReadOnlySet<string> failed)
    {
        var staff = _statuses!.Where(s => Destination(s.DestinationId)?.Kind == DestinationKind.Staff).ToList();
        return Route(rule, enquiryId, lastService, failed, staff);
    }

    private DestinationChoice Route(RoutingRule rule, string enquiryId, LastService? lastService, IReadOnlySet<string> failed, IReadOnlyList<DestinationStatus> statuses) =>
        _router.Route(rule, new RoutingRequest
        {
            EnquiryId = enquiryId,
            TimeZone = Channel.Settings.Zone,
            Destinations = statuses,
            StickyPeriod = Channel.Settings.StickyPeriod,
            LastService = lastService,
            FailedDestinations = failed,
        });

    /// <summary>The windows of a time rule (also as a sticky rule's fallback): when one opens, routing may find someone.</summary>
    private static IEnumerable<WeeklyWindow> Windows(RoutingRule? rule) => rule switch
    {
        { Kind: RoutingKind.Time } => rule.TimeWindows,
        { Kind: RoutingKind.Sticky } => Windows(rule.Fallback),
        _ => [],
    };
}
