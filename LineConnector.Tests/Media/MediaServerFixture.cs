using LineConnector.Core.Media;

namespace LineConnector.Tests.Media;

/// <summary>One local media server per test class, serving every fixture at <c>/{name}</c>, and a fetcher allowed to reach it.</summary>
public sealed class MediaServerFixture : IAsyncLifetime
{
    internal MediaServer Server { get; private set; } = null!;

    internal MediaFetcher Fetcher { get; } = new(new MediaFetchOptions { AllowLoopbackHttpForTests = true }, TimeProvider.System);

    public string Url(string fixture) => Server.Url("/" + fixture);

    public async Task InitializeAsync()
    {
        Server = await MediaServer.StartAsync();
        foreach (var file in Directory.EnumerateFiles(MediaFixtures.Directory))
        {
            Server.ServeFixture(Path.GetFileName(file));
        }
    }

    public async Task DisposeAsync()
    {
        Fetcher.Dispose();
        await Server.DisposeAsync();
    }
}
