namespace LineConnector.Core.Channels;

/// <summary>Judges a channel's <see cref="HandoverSettings"/> (part of <see cref="ChannelValidation"/>).</summary>
internal static class HandoverValidation
{
    public static void Check(List<FieldError> errors, string field, HandoverSettings? handover, IReadOnlyList<Destination?> destinations)
    {
        if (handover is null)
        {
            errors.Add(new(field, "required (leave it out for the defaults)"));
            return;
        }

        // The rule chooses among staff destinations only: a bot named in it is unknown to it.
        var staff = destinations.OfType<Destination>().Where(d => d.Kind == DestinationKind.Staff).Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        if (handover.Rule is { } rule)
        {
            var found = new List<FieldError>();
            ChannelValidation.CheckRouting(found, $"{field}.rule", rule, staff, allowSticky: true);
            var bots = destinations.OfType<Destination>().Where(d => d.Kind == DestinationKind.Bot).Select(d => $"'{d.Id}' is not one of the channel's destinations").ToHashSet(StringComparer.Ordinal);
            errors.AddRange(found.Select(e => bots.Contains(e.Message)
                ? e with { Message = e.Message.Replace("is not one of the channel's destinations", "is a bot: the handover rule chooses among the channel's staff destinations", StringComparison.Ordinal) }
                : e));
        }

        ChannelValidation.CheckAutoMessage(errors, $"{field}.message", handover.Message);
        if (!Enum.IsDefined(handover.WhenNoStaff))
        {
            errors.Add(new($"{field}.whenNoStaff", $"must be {HandoverTexts.Fallback.Choices}"));
        }

        ChannelValidation.CheckRange(errors, $"{field}.historyEvents", handover.HistoryEvents, 0, HandoverSettings.MaxHistoryEvents);
        ChannelValidation.CheckRange(errors, $"{field}.historyMinutes", handover.HistoryMinutes, 1, HandoverSettings.MaxHistoryMinutes);
    }
}
