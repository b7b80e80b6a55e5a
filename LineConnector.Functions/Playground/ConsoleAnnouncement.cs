namespace LineConnector.Functions.Playground;

/// <summary>Local mode: says where the console and the playground are, once the app listens.</summary>
public sealed partial class ConsoleAnnouncement(PlaygroundOptions options, IHostApplicationLifetime lifetime, ILogger<ConsoleAnnouncement> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            var console = new Uri(options.SelfUrl, "api/console/");
            LogConsole(console, options.LineStandIn ? $"{console}#/playground" : "off (a channel access token is configured: LINE's own API is used)");
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Console: {ConsoleUrl}   LINE playground: {PlaygroundUrl}")]
    private partial void LogConsole(Uri consoleUrl, string playgroundUrl);
}
