using System.Text.Json;

namespace LineConnector.Functions.Hosting;

/// <summary>
/// Reads <c>local.settings.json</c> in the Functions format (<c>{"IsEncrypted": false, "Values": {...}}</c>)
/// for local mode. Keys use <c>__</c> for sections, as app settings do in Azure.
/// </summary>
public static class LocalSettings
{
    public const string FileName = "local.settings.json";
    public const string SampleFileName = "local.settings.sample.json";

    /// <summary>
    /// The nearest <c>local.settings.json</c> from <paramref name="startDirectory"/> upwards, else the
    /// sample beside it (so a fresh clone runs with the sample's demo channel); null when neither exists.
    /// </summary>
    public static string? Find(string startDirectory)
    {
        foreach (var name in new[] { FileName, SampleFileName })
        {
            for (var directory = new DirectoryInfo(startDirectory); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    public static IReadOnlyDictionary<string, string?> Read(string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var root = document.RootElement;
        if (root.TryGetProperty("IsEncrypted", out var encrypted) && encrypted.ValueKind == JsonValueKind.True)
        {
            throw new InvalidOperationException($"{path} is encrypted; decrypt it with 'func settings decrypt' to use local mode.");
        }

        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (root.TryGetProperty("Values", out var section) && section.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in section.EnumerateObject())
            {
                values[property.Name.Replace("__", ":", StringComparison.Ordinal)] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Null => null,
                    _ => property.Value.GetRawText(),
                };
            }
        }

        return values;
    }
}
