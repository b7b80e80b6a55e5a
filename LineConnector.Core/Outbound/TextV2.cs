using System.Globalization;
using System.Text.Json;
using LineConnector.Core.Line;

namespace LineConnector.Core.Outbound;

/// <summary>
/// LINE's <c>textV2</c> message (messaging-api.yml, <c>TextMessageV2</c>): a text whose <c>{key}</c>
/// placeholders LINE replaces with the <c>substitution</c> of that key, a user mention or a LINE emoji
/// (<c>{{</c> and <c>}}</c> stand for literal braces). The text is judged as LINE counts it: after
/// substitution, in UTF-16 code units, each substitution counted at its longest
/// (<see cref="MessageLimits.MaxSubstitutedLength"/>; <c>@All</c> as itself).
/// </summary>
public static class TextV2
{
    /// <summary>The length of <paramref name="text"/> after substitution, and every rule it or <paramref name="substitution"/> breaks.</summary>
    /// <param name="substitution">The message's <c>substitution</c> property; null when it has none.</param>
    public static (int Length, List<string> Problems) Count(string text, JsonElement? substitution)
    {
        ArgumentNullException.ThrowIfNull(text);
        var problems = new List<string>();
        var substitutes = Substitutes(substitution, problems);
        var length = 0;
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if ((c == '{' || c == '}') && i + 1 < text.Length && text[i + 1] == c)
            {
                length++;
                i++;
                continue;
            }

            if (c == '}')
            {
                problems.Add(Invariant($"the text has a lone '}}' at {i}: write '}}}}' for a brace"));
                length++;
                continue;
            }

            if (c != '{')
            {
                length++;
                continue;
            }

            var close = text.IndexOf('}', i + 1);
            var key = close < 0 ? null : text[(i + 1)..close];
            if (key is null || !IsKey(key))
            {
                problems.Add(Invariant($"the text has a '{{' at {i} that opens no {{key}} (1 to {MessageLimits.MaxSubstitutionKeyLength} letters, digits or '_'): write '{{{{' for a brace"));
                length++;
                continue;
            }

            if (!substitutes.TryGetValue(key, out var substituted))
            {
                problems.Add($"'{{{key}}}' has no entry in 'substitution'");
                substituted = 0;
            }

            used.Add(key);
            length += substituted;
            i = close;
        }

        problems.AddRange(substitutes.Keys.Where(k => !used.Contains(k)).Select(k => $"substitution.{k} is not used in the text"));
        return (length, problems);
    }

    /// <summary>Each key's length after substitution; a substitution that breaks LINE's shape is a problem.</summary>
    private static Dictionary<string, int> Substitutes(JsonElement? substitution, List<string> problems)
    {
        var substitutes = new Dictionary<string, int>(StringComparer.Ordinal);
        if (substitution is not { } entries)
        {
            return substitutes;
        }

        if (entries.ValueKind != JsonValueKind.Object)
        {
            problems.Add("'substitution' must be an object of {key: substitution object}");
            return substitutes;
        }

        foreach (var entry in entries.EnumerateObject())
        {
            var field = $"substitution.{entry.Name}";
            if (!IsKey(entry.Name))
            {
                problems.Add(Invariant($"{field}: a key is 1 to {MessageLimits.MaxSubstitutionKeyLength} ASCII letters, digits or '_'"));
                continue;
            }

            var (length, problem) = Substitute(entry.Value);
            if (problem is not null)
            {
                problems.Add($"{field}: {problem}");
            }

            substitutes[entry.Name] = length;
        }

        if (substitutes.Count > MessageLimits.MaxSubstitutions)
        {
            problems.Add(Invariant($"'substitution' has {substitutes.Count} entries; at most {MessageLimits.MaxSubstitutions} are accepted"));
        }

        return substitutes;
    }

    private static (int Length, string? Problem) Substitute(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object || !OutboundPolicy.TryGetString(value, "type", out var type))
        {
            return (0, "must be an object with a 'type' (mention or emoji)");
        }

        switch (type)
        {
            case "mention":
                if (!value.TryGetProperty("mentionee", out var mentionee) || mentionee.ValueKind != JsonValueKind.Object || !OutboundPolicy.TryGetString(mentionee, "type", out var target))
                {
                    return (0, "a mention needs 'mentionee' with a 'type' (user or all)");
                }

                return target switch
                {
                    "all" => (MessageLimits.MentionAllText.Length, null),
                    "user" when OutboundPolicy.TryGetString(mentionee, "userId", out var userId) && userId.Length == 33 && userId[0] == 'U' && !userId.AsSpan(1).ContainsAnyExcept("0123456789abcdef")
                        => (MessageLimits.MaxSubstitutedLength, null),
                    "user" => (0, "a user mention needs 'mentionee.userId': U followed by 32 hexadecimal digits"),
                    _ => (0, $"'mentionee.type' is '{target}', not user or all"),
                };
            case "emoji":
                return OutboundPolicy.TryGetString(value, "productId", out var product) && product.Length > 0 && OutboundPolicy.TryGetString(value, "emojiId", out var emoji) && emoji.Length > 0
                    ? (MessageLimits.MaxSubstitutedLength, null)
                    : (0, "an emoji needs 'productId' and 'emojiId'");
            default:
                return (0, $"'type' is '{type}', not mention or emoji");
        }
    }

    private static bool IsKey(string key) =>
        key.Length is > 0 and <= MessageLimits.MaxSubstitutionKeyLength && key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
