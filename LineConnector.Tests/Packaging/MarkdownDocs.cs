using System.Text;
using System.Text.RegularExpressions;

namespace LineConnector.Tests.Packaging;

/// <summary>
/// What the guides in docs/ show that the code must agree with: API paths, <c>line-connector</c>
/// command lines, app setting names, JSON examples and tables.
/// </summary>
internal sealed partial record MarkdownDocs(string Name, string Text)
{
    public const string CliName = "line-connector";

    /// <summary>Every docs/*.md file.</summary>
    public static IReadOnlyList<MarkdownDocs> All() =>
        [.. Directory.EnumerateFiles(RepositoryFiles.PathOf("docs"), "*.md").Order(StringComparer.Ordinal).Select(Load)];

    public static MarkdownDocs Load(string path) => new(Path.GetFileName(path), File.ReadAllText(path));

    /// <summary>Fenced code blocks: their info string (language) and lines.</summary>
    public IReadOnlyList<(string Language, IReadOnlyList<string> Lines)> CodeBlocks()
    {
        List<(string, IReadOnlyList<string>)> blocks = [];
        string? language = null;
        List<string> lines = [];
        foreach (var line in Text.Split('\n'))
        {
            var fence = line.TrimStart().StartsWith("```", StringComparison.Ordinal);
            if (fence && language is null)
            {
                language = line.TrimStart()[3..].Trim();
                lines = [];
            }
            else if (fence)
            {
                blocks.Add((language!, lines));
                language = null;
            }
            else if (language is not null)
            {
                lines.Add(line);
            }
        }

        return blocks;
    }

    /// <summary>The text outside fenced code blocks.</summary>
    public string Prose() => FencedBlock().Replace(Text, "");

    /// <summary>Inline code spans of the prose.</summary>
    public IReadOnlyList<string> InlineCode() => [.. InlineSpan().Matches(Prose()).Select(m => m.Groups["code"].Value)];

    /// <summary>
    /// Every path under <c>/api/</c> the file names, with the HTTP method written before it
    /// (<c>POST /api/...</c>) when there is one. Segments may be <c>{...}</c> placeholders.
    /// </summary>
    public IReadOnlyList<(string? Method, string Path)> ApiPaths() =>
        [.. ApiPath().Matches(Text).Select(m => (m.Groups["method"].Success ? m.Groups["method"].Value : null, TrimSentenceEnd(m.Groups["path"].Value)))];

    /// <summary>A full stop after a path ends the sentence; "..." stands for the rest of a route.</summary>
    private static string TrimSentenceEnd(string path) => path.EndsWith("...", StringComparison.Ordinal) ? path : path.TrimEnd('.');

    /// <summary>
    /// The arguments of every <c>line-connector</c> command line in the code blocks (also run as
    /// <c>dotnet run --project LineConnector.Cli -- ...</c>): line continuations joined, leading
    /// variable assignments, comments, pipes and redirections left out, quotes removed.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>> CommandLines() =>
        [.. CodeBlocks().SelectMany(b => JoinContinuations(b.Lines)).SelectMany(SimpleCommands).Select(CliArguments).OfType<IReadOnlyList<string>>()];

    /// <summary>The <c>line-connector</c> commands named in inline code of the prose, e.g. <c>line-connector channels set-credentials</c>.</summary>
    public IReadOnlyList<IReadOnlyList<string>> InlineCommands() =>
        [.. InlineCode().SelectMany(SimpleCommands).Select(CliArguments).OfType<IReadOnlyList<string>>()];

    /// <summary>App setting names the file writes in code (<c>`KeyVault__vaultUri`</c>, <c>"Channels__demo__Name"</c>).</summary>
    public IReadOnlyList<string> SettingNames() =>
        [.. SettingName().Matches(Text).Select(m => m.Groups["name"].Value).Distinct(StringComparer.Ordinal)];

    /// <summary>The rows of the first table after the heading <paramref name="heading"/>, as cells without surrounding spaces.</summary>
    public IReadOnlyList<string[]> Table(string heading)
    {
        var start = Text.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
        if (start < 0)
        {
            throw new InvalidDataException($"{Name} has no heading '{heading}'.");
        }

        var rows = Text[start..].Split('\n')
            .SkipWhile(line => !line.StartsWith('|'))
            .TakeWhile(line => line.StartsWith('|'))
            .Select(line => line.Trim().Trim('|').Split('|').Select(cell => cell.Trim()).ToArray())
            .ToList();
        return rows.Count < 2 ? [] : rows[2..];
    }

    private static IEnumerable<string> JoinContinuations(IReadOnlyList<string> lines)
    {
        var current = new StringBuilder();
        foreach (var line in lines)
        {
            var trimmed = line.TrimEnd();
            if (trimmed.EndsWith('\\'))
            {
                current.Append(trimmed[..^1]).Append(' ');
                continue;
            }

            current.Append(trimmed);
            yield return current.ToString();
            current.Clear();
        }
    }

    /// <summary>A line's simple commands (split at <c>|</c>, <c>;</c>, <c>&amp;&amp;</c>, <c>||</c>, <c>$(</c> and <c>)</c>), each as shell words.</summary>
    private static IEnumerable<IReadOnlyList<string>> SimpleCommands(string line)
    {
        List<string> words = [];
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote is not null)
            {
                if (c == quote)
                {
                    quote = null;
                }
                else
                {
                    word.Append(c);
                }

                continue;
            }

            if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
                continue;
            }

            if (c == '#' && !inWord)
            {
                break;
            }

            if (c is '|' or ';' or ')' or '&' || (c == '$' && i + 1 < line.Length && line[i + 1] == '('))
            {
                EndWord();
                if (words.Count > 0)
                {
                    yield return words;
                }

                words = [];
                i += c == '$' ? 1 : 0;
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                EndWord();
                continue;
            }

            word.Append(c);
            inWord = true;
        }

        EndWord();
        if (words.Count > 0)
        {
            yield return words;
        }

        void EndWord()
        {
            if (inWord)
            {
                words.Add(word.ToString());
            }

            word.Clear();
            inWord = false;
        }
    }

    /// <summary>The arguments after <c>line-connector</c> (or <c>dotnet run --project LineConnector.Cli --</c>), up to a redirection; null for another command.</summary>
    private static IReadOnlyList<string>? CliArguments(IReadOnlyList<string> words)
    {
        var command = words.SkipWhile(w => Assignment().IsMatch(w)).ToList();
        int start;
        if (command is [CliName, ..])
        {
            start = 1;
        }
        else if (command is ["dotnet", "run", "--project", "LineConnector.Cli", "--", ..])
        {
            start = 5;
        }
        else
        {
            return null;
        }

        return [.. command.Skip(start).TakeWhile(w => !w.StartsWith('>') && !w.StartsWith('<') && !Regex.IsMatch(w, @"^\d>"))];
    }

    [GeneratedRegex(@"^```.*?^```[^\n]*$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedBlock();

    [GeneratedRegex(@"`(?<code>[^`\n]+)`")]
    private static partial Regex InlineSpan();

    [GeneratedRegex(@"(?:\b(?<method>GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) +)?(?:https?://[^\s/`""')]+)?(?<path>/api(?:/(?:\{[^}\n]*\}|[A-Za-z0-9._~\-]+))+)")]
    private static partial Regex ApiPath();

    [GeneratedRegex(@"[`""](?<name>[A-Za-z][A-Za-z0-9_]*__[A-Za-z0-9_{}*\-]+)[`""]")]
    private static partial Regex SettingName();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*=")]
    private static partial Regex Assignment();
}
