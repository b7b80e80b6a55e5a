namespace LineConnector.Tests.Packaging;

/// <summary>Files of this repository, found from the test's output directory upwards.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    public static string Read(params string[] parts) => File.ReadAllText(PathOf(parts));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "LineConnector.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No LineConnector.sln above {AppContext.BaseDirectory}: the tests must run from the repository.");
    }
}
