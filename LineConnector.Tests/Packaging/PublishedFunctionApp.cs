using System.Diagnostics;
using LineConnector.Tests.Support;

namespace LineConnector.Tests.Packaging;

/// <summary>
/// Publishes LineConnector.Functions once into a temporary folder, with its deployment zip, as
/// scripts/package.sh does. Framework-dependent, to keep the tests fast: the layout is the same, and
/// <see cref="DeploymentScriptTests"/> checks that the script adds <c>--runtime linux-x64 --self-contained</c>.
/// </summary>
public sealed class PublishedFunctionApp : IAsyncLifetime
{
    /// <summary>The test collection that shares one published app.</summary>
    public const string Collection = "Published function app";

    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(10);

    private readonly string _workDirectory = Directory.CreateTempSubdirectory("line-connector-publish-").FullName;

    public string Folder => Path.Combine(_workDirectory, "app");

    public string Zip => Path.Combine(_workDirectory, "LineConnector.Functions.zip");

    /// <summary>The build id the package is stamped with, as scripts/package.sh stamps it.</summary>
    public string BuildId { get; } = $"test-{Guid.NewGuid():N}";

    public async Task InitializeAsync()
    {
        var project = RepositoryFiles.PathOf("LineConnector.Functions", "LineConnector.Functions.csproj");
        var start = new ProcessStartInfo(
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            ["publish", project, "--configuration", "Release", "--output", Folder, $"-p:FunctionAppZip={Zip}", $"-p:BuildId={BuildId}", "--disable-build-servers", "--nologo"])
        {
            WorkingDirectory = RepositoryFiles.Root,
        };

        // The test host runs inside MSBuild's environment; a nested build must choose its own SDK paths.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        var run = await ProcessRun.RunAsync(start, PublishTimeout);
        if (run.TimedOut)
        {
            throw new TimeoutException($"dotnet publish took longer than {PublishTimeout}.");
        }

        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed with exit code {run.ExitCode}:\n{run.Output}\n{run.Errors}");
        }
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_workDirectory, recursive: true);
        return Task.CompletedTask;
    }
}

[CollectionDefinition(PublishedFunctionApp.Collection)]
public sealed class PublishedFunctionAppCollection : ICollectionFixture<PublishedFunctionApp>;
