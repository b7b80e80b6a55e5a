using System.Text;
using System.Text.Json.Serialization;
using LineConnector.Core.Line;

namespace LineConnector.Core.Channels;

/// <summary>How a staff member's name appears in LINE's <c>sender.name</c> and in <c>{staff}</c>.</summary>
[JsonConverter(typeof(StaffNameFormatJson))]
public enum StaffNameFormat
{
    None,
    FirstName,
    FirstAndLastName,
}

/// <summary>A staff member's name as the enquiry API gives it.</summary>
public sealed record StaffName(string FirstName, string? LastName = null);

/// <summary>
/// Applies the channel's staff display name format: to <c>{staff}</c> in auto-message texts and to
/// LINE's <c>sender.name</c> on the messages a staff member sends.
/// </summary>
public static class StaffDisplayName
{
    /// <summary>Words LINE refuses in <c>sender.name</c>: messaging-api.yml says "Certain words such as <c>LINE</c> may not be used" and names no other.</summary>
    private static readonly string[] ReservedWords = ["LINE"];

    /// <summary>The name as the format shows it (whitespace tidied), or null when the format shows none or the name is blank.</summary>
    public static string? Format(StaffNameFormat format, StaffName? name)
    {
        if (name is null)
        {
            return null;
        }

        var first = Tidy(name.FirstName);
        var text = format switch
        {
            StaffNameFormat.None => "",
            StaffNameFormat.FirstName => first,
            StaffNameFormat.FirstAndLastName => $"{first} {Tidy(name.LastName)}".Trim(),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown staff name format."),
        };
        return text.Length == 0 ? null : text;
    }

    /// <summary>
    /// The <c>sender.name</c> for a staff member's messages: the formatted name cut to <see cref="MessageLimits.MaxSenderNameLength"/> UTF-16 code
    /// units on a character boundary. None (LINE then shows the account's own name) when the format
    /// shows no name, or when the name holds a word LINE refuses there: refusing the message over its
    /// display name would lose the reply.
    /// </summary>
    public static SenderName ForSender(StaffNameFormat format, StaffName? name)
    {
        var full = Format(format, name);
        if (full is null)
        {
            return new SenderName(null, "No staff name is shown, so the message goes out under the account's name.");
        }

        var shortened = TextLimit.Truncate(full, MessageLimits.MaxSenderNameLength).TrimEnd();
        if (FindReservedWord(shortened) is { } word)
        {
            return new SenderName(null, $"The name '{shortened}' is not used as sender.name because LINE refuses the word '{word}' there; the message goes out under the account's name.");
        }

        return shortened.Length == full.Length
            ? new SenderName(shortened, null)
            : new SenderName(shortened, $"The name '{full}' is shortened to '{shortened}' to fit LINE's {MessageLimits.MaxSenderNameLength}-character sender name.");
    }

    /// <summary>
    /// A reserved word standing as a word of its own: not touching another Latin letter or digit, so
    /// "LINE Support", "line_bot" and "LINEサポート" are refused but "Caroline" is not. Compared after
    /// compatibility normalisation and case folding, so "ｌｉｎｅ" counts too.
    /// </summary>
    private static string? FindReservedWord(string name)
    {
        var folded = name.Normalize(NormalizationForm.FormKC).ToUpperInvariant();
        foreach (var word in ReservedWords)
        {
            for (var at = folded.IndexOf(word, StringComparison.Ordinal); at >= 0; at = folded.IndexOf(word, at + 1, StringComparison.Ordinal))
            {
                var end = at + word.Length;
                if ((at == 0 || !char.IsAsciiLetterOrDigit(folded[at - 1])) && (end == folded.Length || !char.IsAsciiLetterOrDigit(folded[end])))
                {
                    return word;
                }
            }
        }

        return null;
    }

    /// <summary>Trims, and turns each run of whitespace or control characters into one space.</summary>
    private static string Tidy(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                if (builder.Length > 0 && builder[^1] != ' ')
                {
                    builder.Append(' ');
                }
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString().TrimEnd();
    }
}

/// <summary>The <c>sender.name</c> to use (null: send no sender name), and a note when it was shortened or left out.</summary>
public readonly record struct SenderName(string? Value, string? Note);

internal sealed class StaffNameFormatJson() : EnumTextJsonConverter<StaffNameFormat>(ChannelTexts.StaffNameFormat);
