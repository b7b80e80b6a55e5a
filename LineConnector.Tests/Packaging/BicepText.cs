using System.Text.RegularExpressions;

namespace LineConnector.Tests.Packaging;

/// <summary>
/// Reads declarations out of the infra/ Bicep files as text. No Bicep compiler can be installed
/// here, so these checks stand in for part of what it would verify (names that must match the code,
/// parameters that must exist), relying on the files' one-declaration-per-line layout.
/// </summary>
internal static partial class BicepText
{
    public static string Infra(params string[] parts) => RepositoryFiles.Read(["infra", .. parts]);

    public static IEnumerable<string> Files() =>
        Directory.EnumerateFiles(RepositoryFiles.PathOf("infra"), "*.bicep*", SearchOption.AllDirectories);

    /// <summary>The string items of <c>var {name} = [ ... ]</c>.</summary>
    public static IReadOnlyList<string> StringArray(string text, string name) =>
        [.. StringLiteral().Matches(Block(text, $"var {name} = [", "]")).Select(m => m.Groups["value"].Value)];

    /// <summary>The top-level entries (key: value text) of <c>var {name} = { ... }</c>.</summary>
    public static IReadOnlyDictionary<string, string> ObjectEntries(string text, string name) =>
        EntryLine().Matches(Block(text, $"var {name} = {{", "}"))
            .ToDictionary(m => m.Groups["key"].Value, m => m.Groups["value"].Value.Trim(), StringComparer.Ordinal);

    /// <summary>Parameter names, with whether each has a default value.</summary>
    public static IReadOnlyDictionary<string, bool> Parameters(string text) =>
        ParamLine().Matches(text).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["default"].Success, StringComparer.Ordinal);

    /// <summary>The parameters a .bicepparam file assigns.</summary>
    public static IReadOnlyList<string> AssignedParameters(string text) =>
        [.. AssignedParameter().Matches(text).Select(m => m.Groups["name"].Value)];

    /// <summary>For each <c>module x 'path' = { params: { ... } }</c>: its path and the parameters it passes.</summary>
    public static IReadOnlyList<(string Path, IReadOnlyList<string> Passed)> Modules(string text) =>
        [.. ModuleLine().Matches(text).Select(m =>
            (m.Groups["path"].Value, (IReadOnlyList<string>)[.. ModuleParameter().Matches(Block(text[m.Index..], "  params: {", "  }")).Select(p => p.Groups["key"].Value)]))];

    /// <summary>Every <c>'Provider/type@version'</c> a file declares or references.</summary>
    public static IReadOnlyList<(string Type, string Version)> ResourceTypes(string text) =>
        [.. ResourceType().Matches(text).Select(m => (m.Groups["type"].Value, m.Groups["version"].Value)).Distinct()];

    /// <summary>The leading comment block of a file.</summary>
    public static string HeaderComment(string text) =>
        string.Join('\n', text.Split('\n').TakeWhile(line => line.StartsWith("//", StringComparison.Ordinal)));

    private static string Block(string text, string opening, string closingLine)
    {
        var start = text.IndexOf(opening, StringComparison.Ordinal);
        if (start < 0)
        {
            throw new InvalidDataException($"'{opening}' is not in the file.");
        }

        var body = text[(start + opening.Length)..];
        var lines = body.Split('\n');
        var end = Array.FindIndex(lines, 1, line => line.TrimEnd() == closingLine);
        if (end < 0)
        {
            throw new InvalidDataException($"'{opening}' has no closing line '{closingLine}'.");
        }

        return string.Join('\n', lines[..end]);
    }

    [GeneratedRegex(@"'(?<value>[^']*)'")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"^  (?<key>[A-Za-z_][A-Za-z0-9_]*): (?<value>.+)$", RegexOptions.Multiline)]
    private static partial Regex EntryLine();

    [GeneratedRegex(@"^param (?<name>\w+) [^=\n]+?(?<default> = .+)?$", RegexOptions.Multiline)]
    private static partial Regex ParamLine();

    [GeneratedRegex(@"^param (?<name>\w+) = ", RegexOptions.Multiline)]
    private static partial Regex AssignedParameter();

    [GeneratedRegex(@"^module \w+ '(?<path>[^']+)' = \{", RegexOptions.Multiline)]
    private static partial Regex ModuleLine();

    [GeneratedRegex(@"^    (?<key>\w+): ", RegexOptions.Multiline)]
    private static partial Regex ModuleParameter();

    [GeneratedRegex(@"'(?<type>Microsoft\.[A-Za-z]+/[A-Za-z/]+)@(?<version>\d{4}-\d{2}-\d{2}(-preview)?)'")]
    private static partial Regex ResourceType();
}
