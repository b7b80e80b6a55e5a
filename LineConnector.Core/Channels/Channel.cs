using System.Text.RegularExpressions;
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

/// <summary>How a staff member's name appears in LINE's <c>sender.name</c> and in <c>{staff}</c>.</summary>
[JsonConverter(typeof(StaffNameFormatJson))]
public enum StaffNameFormat
{
    None,
    FirstName,
    FirstAndLastName,
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

    [JsonIgnore]
    public TimeSpan MissedEnquiryTimeout => TimeSpan.FromSeconds(MissedEnquiryTimeoutSeconds);

    [JsonIgnore]
    public TimeSpan StickyPeriod => TimeSpan.FromMinutes(StickyPeriodMinutes);
}

/// <summary>The welcome, away and close-enquiry messages (setters: see <see cref="ChannelSettings"/>).</summary>
public sealed record AutoMessages
{
    public const string DefaultWelcomeText = "Thank you for your message. A member of our team will be with you shortly.";
    public const string DefaultAwayText = "Sorry, nobody can answer right now. We will get back to you as soon as we can.";
    public const string DefaultCloseText = "This enquiry is now closed. Send us a message any time if you need anything else.";

    /// <summary>Sent when an enquiry opens.</summary>
    public AutoMessage Welcome { get; set; } = new();

    /// <summary>Sent only when no staff can answer: no destination available, or the enquiry is missed.</summary>
    public AutoMessage Away { get; set; } = new();

    /// <summary>Sent when staff or the system close an enquiry.</summary>
    public AutoMessage Close { get; set; } = new();

    [JsonIgnore]
    public string WelcomeText => Welcome.Text ?? DefaultWelcomeText;

    [JsonIgnore]
    public string AwayText => Away.Text ?? DefaultAwayText;

    [JsonIgnore]
    public string CloseText => Close.Text ?? DefaultCloseText;
}

/// <param name="Text">The text, with an optional <c>{staff}</c> placeholder; null for the default text.</param>
public sealed partial record AutoMessage(bool Enabled = false, string? Text = null)
{
    /// <summary>The channel's limit for a text message (UTF-16 code units), one less than LINE's 5,000.</summary>
    public const int MaxTextLength = 4_999;

    /// <summary>The one placeholder a text may hold: the staff member's name in the channel's format.</summary>
    public const string StaffPlaceholder = "{staff}";

    /// <summary>Placeholders in <paramref name="text"/> other than <see cref="StaffPlaceholder"/>, which nothing would replace.</summary>
    public static IEnumerable<string> UnknownPlaceholders(string text) =>
        Placeholder().Matches(text).Select(m => m.Value).Where(p => p != StaffPlaceholder);

    [GeneratedRegex(@"\{[A-Za-z][A-Za-z0-9_]*\}")]
    private static partial Regex Placeholder();
}

internal sealed class ChannelStatusJson() : EnumTextJsonConverter<ChannelStatus>(ChannelTexts.Status);

internal sealed class StaffNameFormatJson() : EnumTextJsonConverter<StaffNameFormat>(ChannelTexts.StaffNameFormat);
