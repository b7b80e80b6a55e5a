using System.Text.Json;
using LineConnector.Core.Queueing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LineConnector.Functions.QueueTriggers;

/// <summary>
/// The Service Bus triggered functions. The host posts each message to <c>/{FunctionName}</c>;
/// a 200 completes it, any other status fails the invocation so that Service Bus redelivers it.
/// </summary>
public static partial class QueueTriggerEndpoints
{
    /// <summary>Function name (its folder and <c>function.json</c>) to the queue it is triggered by.</summary>
    public static readonly IReadOnlyDictionary<string, string> Functions = new Dictionary<string, string>
    {
        ["LineInbound"] = QueueNames.Inbound,
        ["LineOutbound"] = QueueNames.Outbound,
    };

    public static void MapQueueTriggers(this IEndpointRouteBuilder endpoints)
    {
        foreach (var (function, queue) in Functions)
        {
            endpoints.MapPost("/" + function, (HttpRequest request, IEnumerable<IQueueMessageHandler> handlers, ILoggerFactory loggers, CancellationToken cancellationToken) =>
                    InvokeAsync(function, queue, request, handlers, loggers.CreateLogger("LineConnector." + function), cancellationToken))
                .WithName(function)
                .DisableAntiforgery();
        }
    }

    private static async Task<Results<JsonHttpResult<InvocationResult>, ProblemHttpResult>> InvokeAsync(
        string function,
        string queue,
        HttpRequest request,
        IEnumerable<IQueueMessageHandler> handlers,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        JsonDocument invocation;
        try
        {
            invocation = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException e)
        {
            LogBadInvocation(logger, function, e.Message);
            return TypedResults.Problem($"The invocation is not JSON: {e.Message}", statusCode: StatusCodes.Status400BadRequest, title: "Malformed invocation");
        }

        using (invocation)
        {
            if (!HostInvocation.TryRead(invocation.RootElement, out var message, out var error))
            {
                LogBadInvocation(logger, function, error!);
                return TypedResults.Problem($"The invocation is not a Service Bus message: {error}", statusCode: StatusCodes.Status400BadRequest, title: "Malformed invocation");
            }

            var handler = handlers.FirstOrDefault(h => h.QueueName == queue)
                ?? throw new InvalidOperationException($"No handler is registered for queue '{queue}'.");
            try
            {
                await QueueTracing.HandleAsync(handler, message, QueueTracing.ServiceBusSystem, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogHandlerFailed(logger, e, function, message.MessageId, message.DeliveryCount);
                return TypedResults.Problem(
                    $"{function} failed for message {message.MessageId} (delivery {message.DeliveryCount}): {e.Message}",
                    statusCode: StatusCodes.Status500InternalServerError,
                    title: "Message not handled");
            }

            return TypedResults.Json(new InvocationResult(), HostJsonContext.Default.InvocationResult);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Function} received an invocation it cannot read: {Error}")]
    private static partial void LogBadInvocation(ILogger logger, string function, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Function} failed for message {MessageId} (delivery {DeliveryCount}); Service Bus will redeliver it")]
    private static partial void LogHandlerFailed(ILogger logger, Exception error, string function, string messageId, int deliveryCount);
}
