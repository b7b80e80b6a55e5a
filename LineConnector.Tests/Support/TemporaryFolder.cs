namespace LineConnector.Tests.Support;

/// <summary>A folder of its own for a test, deleted with everything in it when disposed.</summary>
public sealed class TemporaryFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("line-connector-test-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
