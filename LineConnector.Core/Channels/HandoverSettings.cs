using System.Text.Json.Serialization;

namespace LineConnector.Core.Channels;

/// <summary>What happens to a handover that no staff destination can take now.</summary>
[JsonConverter(typeof(HandoverFallbackJson))]
public enum HandoverFallback
{
    /// <summary>The enquiry stays with the bot, which is told so in the API's answer.</summary>
    StayWithBot,

    /// <summary>The enquiry leaves the bot and waits as a missed enquiry, offered to the handover rule again until staff take it.</summary>
    Missed,
}

/// <summary>
/// How a bot hands an enquiry to staff (DESIGN §5, Conversation control; Cognigy's Handover Settings):
/// the rule that picks the staff destination when the bot names none, the message the user gets, what
/// happens when no staff can take it, and how much of the conversation the staff destination receives.
/// Setters: see <see cref="ChannelSettings"/>.
/// </summary>
public sealed record HandoverSettings
{
    public const string DefaultMessageText = "Connecting you with a member of our team. Please wait a moment.";
    public const int DefaultHistoryEvents = 20;
    public const int MaxHistoryEvents = 50;
    public const int DefaultHistoryMinutes = 60;
    public const int MaxHistoryMinutes = 7 * 24 * 60;

    /// <summary>
    /// Any of the four routing rule kinds over the channel's staff destinations; null: the staff
    /// destinations as an alternative rule, in the channel's order.
    /// </summary>
    public RoutingRule? Rule { get; set; }

    /// <summary>Sent to the user when the enquiry goes to staff (text null: <see cref="DefaultMessageText"/>).</summary>
    public AutoMessage Message { get; set; } = new();

    /// <summary>When no staff destination can take the enquiry: the away message goes (if on), and the enquiry stays with the bot or waits as missed.</summary>
    public HandoverFallback WhenNoStaff { get; set; } = HandoverFallback.StayWithBot;

    /// <summary>At most this many of the enquiry's latest events go to staff with the handover (0 to <see cref="MaxHistoryEvents"/>).</summary>
    public int HistoryEvents { get; set; } = DefaultHistoryEvents;

    /// <summary>Only events of the last this many minutes go to staff with the handover.</summary>
    public int HistoryMinutes { get; set; } = DefaultHistoryMinutes;

    [JsonIgnore]
    public string MessageText => Message.Text ?? DefaultMessageText;

    [JsonIgnore]
    public TimeSpan HistoryPeriod => TimeSpan.FromMinutes(HistoryMinutes);

    /// <summary>The rule as routing uses it: <see cref="Rule"/>, or an alternative over the staff destinations in order.</summary>
    public RoutingRule RuleOver(IReadOnlyList<Destination> destinations) =>
        Rule ?? new RoutingRule
        {
            Kind = RoutingKind.Alternative,
            Targets = [.. destinations.Where(d => d.Kind == DestinationKind.Staff).Select(d => new RoutingTarget(d.Id))],
        };
}

public static class HandoverTexts
{
    public static readonly EnumText<HandoverFallback> Fallback = EnumText.Kebab<HandoverFallback>();
}

internal sealed class HandoverFallbackJson() : EnumTextJsonConverter<HandoverFallback>(HandoverTexts.Fallback);
