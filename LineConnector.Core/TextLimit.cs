using System.Globalization;

namespace LineConnector.Core;

/// <summary>Shortens text to a limit in UTF-16 code units (how LINE counts) without breaking a character.</summary>
internal static class TextLimit
{
    /// <summary>
    /// The longest prefix of whole text elements (user-perceived characters: a surrogate pair, an emoji
    /// sequence, a letter with its combining marks) that fits in <paramref name="maxUnits"/> code units.
    /// </summary>
    public static string Truncate(string text, int maxUnits)
    {
        if (text.Length <= maxUnits)
        {
            return text;
        }

        var length = 0;
        while (length < text.Length)
        {
            var next = StringInfo.GetNextTextElementLength(text.AsSpan(length));
            if (length + next > maxUnits)
            {
                break;
            }

            length += next;
        }

        return text[..length];
    }
}
