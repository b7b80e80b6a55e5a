using LineConnector.Core.Privacy;

namespace LineConnector.Functions.Privacy;

/// <summary>Local mode's <c>DataRetention</c> timer: the retention sweep on the function's schedule (<see cref="RetentionSweep.Schedule"/>).</summary>
public sealed partial class LocalRetentionTimer(RetentionSweep sweep, TimeProvider clock, ILogger<LocalRetentionTimer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var now = clock.GetUtcNow();
                await Task.Delay(RetentionSweep.Next(now) - now, clock, stoppingToken);
                try
                {
                    await DataRetentionEndpoint.RunAsync(sweep, logger, stoppingToken);
                }
                catch (Exception error) when (!stoppingToken.IsCancellationRequested)
                {
                    LogFailed(error);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The retention sweep failed; it runs again at the next scheduled time")]
    private partial void LogFailed(Exception error);
}
