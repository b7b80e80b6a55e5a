using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using LineConnector.Core.Line;

namespace LineConnector.Core.Channels;

/// <summary>The channel's automatic messages (DESIGN §5, Auto-messages).</summary>
public enum AutoMessageKind
{
    /// <summary>When an enquiry opens.</summary>
    Welcome,

    /// <summary>Only when no staff can answer: no destination available, or the enquiry was missed.</summary>
    Away,

    /// <summary>When an enquiry is closed, by staff, the destination or the system.</summary>
    Close,
}

/// <summary>
/// A channel's welcome, away and close-enquiry messages: each off until switched on, with an
/// editable text or the default. Stored with the channel, judged by <see cref="ChannelValidation"/>,
/// and rendered as they are when an enquiry needs one (setters: see <see cref="ChannelSettings"/>).
/// </summary>
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
    public string WelcomeText => TextOf(AutoMessageKind.Welcome);

    [JsonIgnore]
    public string AwayText => TextOf(AutoMessageKind.Away);

    [JsonIgnore]
    public string CloseText => TextOf(AutoMessageKind.Close);

    public AutoMessage this[AutoMessageKind kind] => kind switch
    {
        AutoMessageKind.Welcome => Welcome,
        AutoMessageKind.Away => Away,
        AutoMessageKind.Close => Close,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown auto-message."),
    };

    public static string DefaultText(AutoMessageKind kind) => kind switch
    {
        AutoMessageKind.Welcome => DefaultWelcomeText,
        AutoMessageKind.Away => DefaultAwayText,
        AutoMessageKind.Close => DefaultCloseText,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown auto-message."),
    };

    /// <summary>The edited text, or the default when none was set.</summary>
    public string TextOf(AutoMessageKind kind) => this[kind].Text ?? DefaultText(kind);

    /// <summary>
    /// The text to send: <see cref="TextOf"/> with <c>{staff}</c> replaced by the staff member's name
    /// in the channel's <paramref name="format"/>. With no name to show, the placeholder and one space
    /// next to it are removed ("Hi, this is {staff}." becomes "Hi, this is."), so write texts that
    /// still read well without it. Cut to <see cref="MessageLimits.MaxTextLength"/> UTF-16 code units
    /// on a character boundary in the rare case a long name pushes it over.
    /// </summary>
    public string Render(AutoMessageKind kind, StaffNameFormat format, StaffName? staff)
    {
        var template = TextOf(kind);
        var name = StaffDisplayName.Format(format, staff);
        var text = name is null
            ? template.Replace(" " + AutoMessage.StaffPlaceholder, "", StringComparison.Ordinal)
                .Replace(AutoMessage.StaffPlaceholder + " ", "", StringComparison.Ordinal)
                .Replace(AutoMessage.StaffPlaceholder, "", StringComparison.Ordinal)
            : template.Replace(AutoMessage.StaffPlaceholder, name, StringComparison.Ordinal);
        return TextLimit.Truncate(text, MessageLimits.MaxTextLength);
    }
}

/// <param name="Text">The text, with an optional <c>{staff}</c> placeholder; null for the default text.</param>
public sealed partial record AutoMessage(bool Enabled = false, string? Text = null)
{
    /// <summary>The one placeholder a text may hold: the staff member's name in the channel's format.</summary>
    public const string StaffPlaceholder = "{staff}";

    /// <summary>Placeholders in <paramref name="text"/> other than <see cref="StaffPlaceholder"/>, which nothing would replace.</summary>
    public static IEnumerable<string> UnknownPlaceholders(string text) =>
        Placeholder().Matches(text).Select(m => m.Value).Where(p => p != StaffPlaceholder);

    [GeneratedRegex(@"\{[A-Za-z][A-Za-z0-9_]*\}")]
    private static partial Regex Placeholder();
}
