using LineConnector.Core.Channels;
using LineConnector.Core.Routing;

namespace LineConnector.Core.Enquiries;

/// <summary>"If this source wrote at this time, where would it go?": the inputs of a what-if.</summary>
public sealed record WhatIfQuestion
{
    /// <summary>The channel as it is: its routing rule, time zone, destinations, sticky period and auto-messages.</summary>
    public required ChannelSettings Channel { get; init; }

    /// <summary>The destinations' presence (a destination without an entry is present).</summary>
    public IReadOnlyDictionary<string, DestinationPresence> Presence { get; init; } = new Dictionary<string, DestinationPresence>();

    /// <summary>The LINE source (user, group or room id).</summary>
    public required string SourceId { get; init; }

    public required DateTimeOffset At { get; init; }

    /// <summary>The source's latest enquiry, if any: while it is not closed, no routing happens.</summary>
    public Enquiry? CurrentEnquiry { get; init; }

    /// <summary>Who served the source last, for sticky routing.</summary>
    public LastService? LastService { get; init; }

    /// <summary>Replays percentage routing for this enquiry id. Without it, a new enquiry's percentage
    /// choice is given as each destination's chance, since the id exists only once the enquiry opens.</summary>
    public string? EnquiryId { get; init; }
}

/// <summary>What would happen, and why. Nothing is sent.</summary>
public sealed record WhatIfAnswer
{
    /// <summary>Where the source's message would go; null when nobody could take it or the choice is by chance (see <see cref="Shares"/>).</summary>
    public string? DestinationId { get; init; }

    public string? StaffMemberId { get; init; }

    /// <summary>Each destination's chance, when the choice depends on an enquiry id not known yet.</summary>
    public IReadOnlyList<DestinationShare> Shares { get; init; } = [];

    /// <summary>Whether the message would open a new enquiry.</summary>
    public bool OpensEnquiry { get; init; }

    /// <summary>The auto-messages the message would trigger, in order.</summary>
    public IReadOnlyList<AutoMessageKind> AutoMessages { get; init; } = [];

    public required IReadOnlyList<string> Explanation { get; init; }
}

/// <summary>Answers a what-if with the same decisions live routing makes, at the given time instead of now.</summary>
public static class WhatIf
{
    public static WhatIfAnswer Answer(WhatIfQuestion question)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentException.ThrowIfNullOrWhiteSpace(question.SourceId);
        var channel = question.Channel;
        var zone = channel.Zone;
        var current = question.CurrentEnquiry;
        var explanation = new List<string> { $"At {TimeText.LocalTime(question.At, zone)}:" };

        if (!EnquiryLifecycle.RoutesOnUserEvent(current))
        {
            var staff = current!.StaffMemberId is null ? "" : $" (staff member {current.StaffMemberId})";
            explanation.Add($"Source {question.SourceId} has enquiry {current.Id}, {EnquiryTexts.State.Format(current.State)} with {current.DestinationId}{staff}; a new message goes there and is not routed.");
            return new WhatIfAnswer
            {
                DestinationId = current.DestinationId,
                StaffMemberId = current.StaffMemberId,
                Explanation = explanation,
            };
        }

        var opens = current is null || current.State == EnquiryState.Closed;
        explanation.Add(opens
            ? $"Source {question.SourceId} has no enquiry that is not closed, so a new message opens one."
            : $"Source {question.SourceId} has enquiry {current!.Id}, missed with no destination, so a new message routes it again.");

        var enquiryId = opens ? question.EnquiryId : current!.Id;
        var choice = Router.Decide(channel.Routing, new RoutingContext(
            enquiryId, zone, question.At, DestinationStatus.Of(channel, question.Presence), channel.StickyPeriod, question.LastService, failed: null));
        explanation.AddRange(choice.Explanation);

        var found = choice.Found || !choice.IsDetermined;
        var messages = opens ? EnquiryLifecycle.OpeningMessages(channel.AutoMessages, found) : [];
        if (!found)
        {
            explanation.Add(opens
                ? "No staff can answer: the enquiry would be missed and the message not forwarded."
                : "Still no staff can answer: the message would not be forwarded, and the away message was already sent.");
        }

        if (messages.Count > 0)
        {
            explanation.Add($"Auto-messages sent: {string.Join(", ", messages.Select(ChannelTexts.AutoMessage.Format))}.");
        }

        return new WhatIfAnswer
        {
            DestinationId = choice.DestinationId,
            StaffMemberId = choice.StaffMemberId,
            Shares = choice.Shares,
            OpensEnquiry = opens,
            AutoMessages = messages,
            Explanation = explanation,
        };
    }
}
