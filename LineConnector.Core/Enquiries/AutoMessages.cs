using LineConnector.Core.Channels;
using LineConnector.Core.Routing;

namespace LineConnector.Core.Enquiries;

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

/// <summary>A channel's auto-message settings. Every message is off until switched on.</summary>
public sealed record AutoMessageSettings
{
    public const string StaffPlaceholder = AutoMessage.StaffPlaceholder;

    /// <summary>The channel's text limit (DESIGN §5, Outbound limits), in UTF-16 code units.</summary>
    public const int MaxTextLength = AutoMessage.MaxTextLength;

    public AutoMessage Welcome { get; init; } = new(false);

    public AutoMessage Away { get; init; } = new(false);

    public AutoMessage Close { get; init; } = new(false);

    /// <summary>How a staff member's name shows, in <c>{staff}</c> and in <c>sender.name</c>.</summary>
    public StaffNameFormat StaffNameFormat { get; init; } = StaffNameFormat.None;

    public AutoMessage this[AutoMessageKind kind] => kind switch
    {
        AutoMessageKind.Welcome => Welcome,
        AutoMessageKind.Away => Away,
        AutoMessageKind.Close => Close,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown auto-message."),
    };

    public static string DefaultText(AutoMessageKind kind) => kind switch
    {
        AutoMessageKind.Welcome => Channels.AutoMessages.DefaultWelcomeText,
        AutoMessageKind.Away => Channels.AutoMessages.DefaultAwayText,
        AutoMessageKind.Close => Channels.AutoMessages.DefaultCloseText,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown auto-message."),
    };

    /// <summary>Every problem with the settings, each naming its field (<c>welcome.text</c>, ...).</summary>
    public IReadOnlyList<FieldError> Validate()
    {
        var errors = new List<FieldError>();
        if (!Enum.IsDefined(StaffNameFormat))
        {
            errors.Add(new FieldError("staffNameFormat", $"{(int)StaffNameFormat} is not a staff name format (none, first name, first and last name)."));
        }

        foreach (var kind in Enum.GetValues<AutoMessageKind>())
        {
            var name = kind.ToString().ToLowerInvariant();
            if (this[kind] is not { } message)
            {
                errors.Add(new FieldError(name, "The setting is required."));
                continue;
            }

            if (message.Text is not { } text)
            {
                continue;
            }

            var field = $"{name}.text";
            if (string.IsNullOrWhiteSpace(text))
            {
                errors.Add(new FieldError(field, "The text must not be blank; leave it unset for the default text."));
                continue;
            }

            if (text.Length > MaxTextLength)
            {
                errors.Add(new FieldError(field, $"The text is {text.Length} characters (UTF-16 code units); at most {MaxTextLength}."));
            }

            foreach (var placeholder in AutoMessage.UnknownPlaceholders(text))
            {
                errors.Add(new FieldError(field, $"Unknown placeholder {placeholder}; only {StaffPlaceholder} is replaced."));
            }
        }

        return errors;
    }

    /// <summary>
    /// The text to send: the edited text or the default, with <c>{staff}</c> replaced by the staff
    /// member's name in the channel's format. With no name to show, the placeholder and one space
    /// next to it are removed ("Hi, this is {staff}." becomes "Hi, this is."), so write texts that
    /// still read well without it. Cut to 4,999 UTF-16 code units on a character boundary in the rare
    /// case a long name pushes it over.
    /// </summary>
    public string Render(AutoMessageKind kind, StaffName? staff)
    {
        var template = this[kind].Text ?? DefaultText(kind);
        var name = StaffDisplayName.Format(StaffNameFormat, staff);
        var text = name is null
            ? template.Replace(" " + StaffPlaceholder, "", StringComparison.Ordinal)
                .Replace(StaffPlaceholder + " ", "", StringComparison.Ordinal)
                .Replace(StaffPlaceholder, "", StringComparison.Ordinal)
            : template.Replace(StaffPlaceholder, name, StringComparison.Ordinal);
        return TextLimit.Truncate(text, MaxTextLength);
    }
}
