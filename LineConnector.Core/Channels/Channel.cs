using System.Text.Json.Serialization;

namespace LineConnector.Core.Channels;

/// <summary>
/// A channel: one LINE Official Account connected to the connector. The LINE account's
/// credentials live in the secret store, never here.
/// </summary>
/// <param name="LineChannelId">The LINE channel id (LINE Developers console, Basic settings), the
/// <c>client_id</c> for stateless channel access tokens; null when only a long-lived token is used.</param>
/// <param name="BotUserId">The LINE bot user id behind the channel (<c>GET /v2/bot/info</c> →
/// <c>userId</c>, the webhook's <c>destination</c>); unique across channels.</param>
public sealed record Channel(string Id, ChannelStatus Status, ChannelSettings Settings, string? LineChannelId, string? BotUserId);

[JsonConverter(typeof(ChannelStatusJson))]
public enum ChannelStatus
{
    /// <summary>Events open enquiries.</summary>
    Active,

    /// <summary>The webhook still answers 200 so that LINE keeps the endpoint, but no enquiry is opened.</summary>
    Suspended,

    /// <summary>Gone for good: the webhook answers 404 and the LINE account may back another channel.</summary>
    Deleted,
}

/// <summary>What an operator edits on a channel (everything but its id, status and LINE account).</summary>
/// <remarks>
/// Members with a default have setters, not init accessors: System.Text.Json's source generator
/// assigns every init-only member when it creates an object, so a member left out of the JSON
/// would lose its default.
/// </remarks>
public sealed record ChannelSettings
{
    public const int MaxNameLength = 40;
    public const int MaxCustomInfoLength = 10_000;
    public const int DefaultMissedEnquiryTimeoutSeconds = 60;
    public const int DefaultStickyPeriodMinutes = 24 * 60;

    /// <summary>1 to 40 characters.</summary>
    public required string Name { get; init; }

    /// <summary>Shown to staff with every enquiry (sent to the destination with it); up to 10,000 characters.</summary>
    public string CustomInfo { get; set; } = "";

    /// <summary>IANA time zone id (e.g. <c>Asia/Tokyo</c>) for time routing and schedules.</summary>
    public required string TimeZone { get; init; }

    public required RoutingRule Routing { get; init; }

    public IReadOnlyList<Destination> Destinations { get; set; } = [];

    public AutoMessages AutoMessages { get; set; } = new();

    public StaffNameFormat StaffNameFormat { get; set; } = StaffNameFormat.None;

    /// <summary>An enquiry nobody accepts within this many seconds is missed.</summary>
    public int MissedEnquiryTimeoutSeconds { get; set; } = DefaultMissedEnquiryTimeoutSeconds;

    /// <summary>How long after their last enquiry a returning user goes back to the same destination (sticky routing).</summary>
    public int StickyPeriodMinutes { get; set; } = DefaultStickyPeriodMinutes;

    /// <summary>How a bot hands enquiries to staff.</summary>
    public HandoverSettings Handover { get; set; } = new();

    /// <summary>Read receipts and the loading animation.</summary>
    public LineExtrasSettings LineExtras { get; set; } = new();

    /// <summary>JavaScript that changes or drops what comes in and goes out (<see cref="TransformerSettings"/>).</summary>
    public TransformerSettings Transformers { get; set; } = new();

    /// <summary>When quiet enquiries close, with a warning before.</summary>
    public SessionExpirySettings SessionExpiry { get; set; } = new();

    /// <summary>Masked logging, keeping conversation content or not, retention (<see cref="DataProtectionSettings"/>).</summary>
    public DataProtectionSettings DataProtection { get; set; } = new();

    /// <summary>User text translated for staff and staff replies for the user (<see cref="TranslationSettings"/>).</summary>
    public TranslationSettings Translation { get; set; } = new();

    /// <summary>The time zone as this system knows it (<see cref="ChannelValidation"/> made sure it does).</summary>
    [JsonIgnore]
    public TimeZoneInfo Zone => ChannelTimeZone.Find(TimeZone);

    [JsonIgnore]
    public TimeSpan MissedEnquiryTimeout => TimeSpan.FromSeconds(MissedEnquiryTimeoutSeconds);

    [JsonIgnore]
    public TimeSpan StickyPeriod => TimeSpan.FromMinutes(StickyPeriodMinutes);
}

internal sealed class ChannelStatusJson() : EnumTextJsonConverter<ChannelStatus>(ChannelTexts.Status);
