using LineConnector.Core.Enquiries;
using LineConnector.Core.Storage;
using Microsoft.Extensions.Options;

namespace LineConnector.Functions.LocalMode;

/// <summary>
/// Keeps local mode's store bounded and in step: every <see cref="LocalStoreOptions.PruneInterval"/> it
/// deletes message ids older than the duplicate detection window and, when the tables are in the local
/// store, handled-event records (<c>event:</c> rows of <c>Conversations</c>) older than <see cref="LocalStoreOptions.ProcessedEventRetention"/>; every
/// second it takes up messages another process (the command line's replay) put in the queues.
/// </summary>
public sealed partial class LocalStoreMaintenance(
    LocalDatabase database,
    InProcessQueue queue,
    ITableStore tables,
    IOptions<LocalStoreOptions> options,
    TimeProvider clock,
    ILogger<LocalStoreMaintenance> logger) : BackgroundService
{
    private static readonly TimeSpan OutsideChangesInterval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        DateTimeOffset? lastPruned = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    if (await database.ChangedElsewhereAsync(stoppingToken))
                    {
                        await queue.RecoverAsync(stoppingToken);
                    }

                    var now = clock.GetUtcNow();
                    if (lastPruned is null || now - lastPruned >= settings.PruneInterval)
                    {
                        lastPruned = now;
                        await PruneAsync(settings, now, stoppingToken);
                    }
                }
                catch (Exception error) when (!stoppingToken.IsCancellationRequested)
                {
                    LogFailed(error);
                }

                await Task.Delay(OutsideChangesInterval, clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task PruneAsync(LocalStoreOptions settings, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var messageIds = await queue.PruneAsync(cancellationToken);
        var events = tables is SqliteTableStore local
            ? await local.DeleteWrittenBeforeAsync(EnquiryTables.Conversations, EnquiryTables.EventRows, now - settings.ProcessedEventRetention, cancellationToken)
            : 0;
        if (messageIds + events > 0)
        {
            LogPruned(messageIds, events);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Local store: forgot {MessageIds} expired message id(s) and deleted {Events} old handled-event record(s)")]
    private partial void LogPruned(int messageIds, int events);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Local store maintenance failed; it runs again shortly")]
    private partial void LogFailed(Exception error);
}
