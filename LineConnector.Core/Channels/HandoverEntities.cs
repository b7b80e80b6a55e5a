using LineConnector.Core.Storage;
using P = LineConnector.Core.Channels.ChannelProperties;

namespace LineConnector.Core.Channels;

/// <summary>
/// A channel's <see cref="HandoverSettings"/> in its Table rows: <c>Handover*</c> properties of the channel
/// row, and the handover rule's conditions as rows of the routing table named like the routing rule's
/// with <c>handover-</c> in front (<c>handover-alternative-01</c>, <c>handover-time-other</c>).
/// </summary>
internal static partial class ChannelEntities
{
    public const string HandoverRowPrefix = "handover-";

    private static void AddHandover(Dictionary<string, object?> properties, HandoverSettings handover)
    {
        var rule = handover.Rule;
        properties[P.HandoverRule] = rule is null ? null : ChannelTexts.RoutingKind.Format(rule.Kind);
        properties[P.HandoverStickyFallbackRule] = rule is { Kind: RoutingKind.Sticky, Fallback: { } fallback } ? ChannelTexts.RoutingKind.Format(fallback.Kind) : null;
        properties[P.HandoverMessageEnabled] = handover.Message.Enabled;
        properties[P.HandoverMessageText] = handover.Message.Text;
        properties[P.HandoverWhenNoStaff] = HandoverTexts.Fallback.Format(handover.WhenNoStaff);
        properties[P.HandoverHistoryEvents] = handover.HistoryEvents;
        properties[P.HandoverHistoryMinutes] = handover.HistoryMinutes;
    }

    private static IEnumerable<TableRow> HandoverRows(string channelId, HandoverSettings handover)
    {
        if (handover.Rule is not { } rule)
        {
            return [];
        }

        // The routing rule's rows, as if the handover rule were the channel's (and it had no handover rule of its own).
        var asRouting = new ChannelSettings { Name = "-", TimeZone = "UTC", Routing = rule, Handover = new HandoverSettings() };
        return RoutingRows(channelId, asRouting).Select(row => row with { RowKey = HandoverRowPrefix + row.RowKey });
    }

    private static HandoverSettings ReadHandover(string channelId, RowReader r, IReadOnlyList<TableRow> routingRows, List<ChannelProblem> problems)
    {
        // Left out: no rule of its own (the staff destinations in order).
        var kind = r.Text(P.HandoverRule, required: false) is null ? null : r.Enum(P.HandoverRule, ChannelTexts.RoutingKind);
        RoutingRule? rule = null;
        if (kind is { } k)
        {
            var fallbackKind = k == RoutingKind.Sticky ? r.Enum(P.HandoverStickyFallbackRule, ChannelTexts.RoutingKind) : null;
            var rows = routingRows
                .Where(row => row.RowKey.StartsWith(HandoverRowPrefix, StringComparison.Ordinal))
                .Select(row => row with { RowKey = row.RowKey[HandoverRowPrefix.Length..] })
                .ToList();
            var found = new List<ChannelProblem>();
            var conditions = ReadRule(fallbackKind ?? k, rows, found, new Locations(channelId, []));
            problems.AddRange(found.Select(p => p.Table == ChannelTables.Routing ? p with { RowKey = HandoverRowPrefix + p.RowKey } : p));
            rule = k == RoutingKind.Sticky ? new RoutingRule { Kind = RoutingKind.Sticky, Fallback = conditions } : conditions;
        }

        return new HandoverSettings
        {
            Rule = rule,
            Message = new AutoMessage(r.Bool(P.HandoverMessageEnabled), r.Text(P.HandoverMessageText, required: false)),
            WhenNoStaff = r.Enum(P.HandoverWhenNoStaff, HandoverTexts.Fallback, HandoverFallback.StayWithBot) ?? HandoverFallback.StayWithBot,
            HistoryEvents = r.Int(P.HandoverHistoryEvents, HandoverSettings.DefaultHistoryEvents) ?? HandoverSettings.DefaultHistoryEvents,
            HistoryMinutes = r.Int(P.HandoverHistoryMinutes, HandoverSettings.DefaultHistoryMinutes) ?? HandoverSettings.DefaultHistoryMinutes,
        };
    }
}
