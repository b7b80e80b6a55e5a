namespace LineConnector.Functions.LocalMode;

/// <summary>
/// Checkpoints local mode's store beside its writer (<see cref="LocalDatabase.Checkpoint"/>) once a second while it
/// is written to, so that the writer, which every webhook and every queue step waits for, seldom stops for a
/// checkpoint and its fsyncs. A failed checkpoint loses nothing: the log keeps every commit, and the writer
/// checkpoints itself when the log grows.
/// </summary>
public sealed partial class LocalStoreCheckpoints(LocalDatabase database, TimeProvider clock, ILogger<LocalStoreCheckpoints> logger) : BackgroundService
{
    /// <summary>
    /// Time between checkpoints; one copies what about this long of commits wrote, each page once however many commits
    /// changed it (every 100 ms copied the pages every event changes ten times as often, for more of the CPU time).
    /// </summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (database.FilePath is null)
        {
            return;
        }

        var checkpointed = database.Commits;
        try
        {
            while (true)
            {
                await Task.Delay(Interval, clock, stoppingToken);
                var commits = database.Commits;
                if (commits == checkpointed)
                {
                    continue;
                }

                try
                {
                    // Its fsyncs block: on a thread of its own, not one that handles requests.
                    await Task.Factory.StartNew(database.Checkpoint, stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                    checkpointed = commits;
                }
                catch (Exception error) when (error is Microsoft.Data.Sqlite.SqliteException or IOException)
                {
                    LogFailed(error);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Local store: a checkpoint beside the writer failed; the write-ahead log keeps every commit and the writer checkpoints it itself")]
    private partial void LogFailed(Exception error);
}
