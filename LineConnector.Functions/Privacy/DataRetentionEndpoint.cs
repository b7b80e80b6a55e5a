using LineConnector.Core.Privacy;
using LineConnector.Functions.QueueTriggers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LineConnector.Functions.Privacy;

/// <summary>
/// The <c>DataRetention</c> timer function: the host posts to <c>/DataRetention</c> on the schedule of its
/// <c>function.json</c> (<see cref="RetentionSweep.Schedule"/>); each channel's retention is enforced. A failure
/// answers 500, which fails the invocation (the host logs it; the next run sweeps what this one left).
/// </summary>
public static partial class DataRetentionEndpoint
{
    public const string FunctionName = "DataRetention";

    public static void MapDataRetention(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/" + FunctionName, async (RetentionSweep sweep, ILoggerFactory loggers, CancellationToken cancellationToken) =>
            {
                await RunAsync(sweep, loggers.CreateLogger("LineConnector." + FunctionName), cancellationToken);
                return TypedResults.Json(new InvocationResult(), HostJsonContext.Default.InvocationResult);
            })
            .WithName(FunctionName)
            .ExcludeFromDescription()
            .DisableAntiforgery();

    public static async Task RunAsync(RetentionSweep sweep, ILogger logger, CancellationToken cancellationToken)
    {
        foreach (var (channel, deleted) in await sweep.SweepAsync(cancellationToken))
        {
            LogSwept(logger, channel, deleted.Enquiries, deleted.Events, deleted.Contents, deleted.KeptEvents, deleted.History);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention of channel {ChannelId}: deleted {Enquiries} closed enquiries, {Events} event records, {Contents} content rows, {KeptEvents} kept events and {History} history events")]
    private static partial void LogSwept(ILogger logger, string channelId, int enquiries, int events, int contents, int keptEvents, int history);
}
