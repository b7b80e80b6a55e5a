using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace LineConnector.Core.Translation;

/// <summary>One stretch of a text: translated, or <see cref="Kept"/> as it is (it stood between two markers, or is a <see cref="Placeholder"/>).</summary>
/// <param name="Placeholder">A <c>textV2</c> placeholder such as <c>{user}</c>: kept, and never between markers.</param>
public sealed record TextPiece(string Text, bool Kept, bool Placeholder = false);

/// <summary>
/// A text cut at its no-translation markers (<see cref="Channels.TranslationSettings.Marker"/>): text between two
/// markers is kept; a marker without a partner is ordinary text. Providers get the kept pieces in their own
/// no-translate markup (<see cref="ToMarkup"/>), so that the sentence around them is translated in context.
/// </summary>
public sealed partial record MarkedText(IReadOnlyList<TextPiece> Pieces)
{
    public bool HasKept => Pieces.Any(p => p.Kept);

    public static MarkedText Parse(string text, string marker)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrEmpty(marker);
        var pieces = new List<TextPiece>();
        var at = 0;
        while (true)
        {
            var open = text.IndexOf(marker, at, StringComparison.Ordinal);
            var close = open < 0 ? -1 : text.IndexOf(marker, open + marker.Length, StringComparison.Ordinal);
            if (close < 0)
            {
                Add(pieces, text[at..], kept: false);
                return new MarkedText(pieces);
            }

            Add(pieces, text[at..open], kept: false);
            pieces.Add(new TextPiece(text[(open + marker.Length)..close], Kept: true));
            at = close + marker.Length;
        }
    }

    /// <summary>The same text with each <c>{key}</c> of a <c>textV2</c> (LINE: letters, digits and underscores) kept too.</summary>
    public MarkedText KeepPlaceholders()
    {
        var pieces = new List<TextPiece>();
        foreach (var piece in Pieces)
        {
            if (piece.Kept)
            {
                pieces.Add(piece);
                continue;
            }

            var at = 0;
            foreach (var match in TextV2Placeholder().EnumerateMatches(piece.Text))
            {
                Add(pieces, piece.Text[at..match.Index], kept: false);
                pieces.Add(new TextPiece(piece.Text.Substring(match.Index, match.Length), Kept: true, Placeholder: true));
                at = match.Index + match.Length;
            }

            Add(pieces, piece.Text[at..], kept: false);
        }

        return new MarkedText(pieces);
    }

    /// <summary>The text for the reader: kept pieces between markers, or without them when <paramref name="removeMarkers"/>.</summary>
    public string Join(string marker, bool removeMarkers)
    {
        var text = new StringBuilder();
        foreach (var piece in Pieces)
        {
            if (piece is { Kept: true, Placeholder: false } && !removeMarkers)
            {
                text.Append(marker).Append(piece.Text).Append(marker);
            }
            else
            {
                text.Append(piece.Text);
            }
        }

        return text.ToString();
    }

    /// <summary>Markup for a provider: text escaped for HTML/XML, each kept piece inside <paramref name="open"/> … <paramref name="close"/>.</summary>
    public string ToMarkup(string open, string close)
    {
        var markup = new StringBuilder();
        foreach (var piece in Pieces)
        {
            if (piece.Kept)
            {
                markup.Append(open).Append(Escape(piece.Text)).Append(close);
            }
            else
            {
                markup.Append(Escape(piece.Text));
            }
        }

        return markup.ToString();
    }

    /// <summary>
    /// Reads a provider's translated markup back. The n-th no-translate element becomes this text's n-th kept
    /// piece exactly as it was (whatever the provider did inside it); the rest is unescaped.
    /// </summary>
    public MarkedText FromMarkup(string markup, string open, string close)
    {
        ArgumentNullException.ThrowIfNull(markup);
        var kept = Pieces.Where(p => p.Kept).ToList();
        var pieces = new List<TextPiece>();
        var at = 0;
        var n = 0;
        while (true)
        {
            var start = markup.IndexOf(open, at, StringComparison.OrdinalIgnoreCase);
            var end = start < 0 ? -1 : markup.IndexOf(close, start + open.Length, StringComparison.OrdinalIgnoreCase);
            if (end < 0)
            {
                Add(pieces, WebUtility.HtmlDecode(markup[at..]), kept: false);
                return new MarkedText(pieces);
            }

            Add(pieces, WebUtility.HtmlDecode(markup[at..start]), kept: false);
            pieces.Add(n < kept.Count ? kept[n] : new TextPiece(WebUtility.HtmlDecode(markup[(start + open.Length)..end]), Kept: true));
            n++;
            at = end + close.Length;
        }
    }

    /// <summary>Only what HTML and XML both need: a translator must read the text as text.</summary>
    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static void Add(List<TextPiece> pieces, string text, bool kept)
    {
        if (text.Length > 0)
        {
            pieces.Add(new TextPiece(text, kept));
        }
    }

    [GeneratedRegex("\\{[A-Za-z0-9_]+\\}")]
    private static partial Regex TextV2Placeholder();
}
