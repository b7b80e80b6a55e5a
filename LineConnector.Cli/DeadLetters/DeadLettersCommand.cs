using System.CommandLine;
using System.Globalization;
using Azure.Identity;
using Azure.Messaging.ServiceBus;
using LineConnector.Core.Queueing;

namespace LineConnector.Cli.DeadLetters;

/// <summary>
/// <c>line-connector dead-letters replay --namespace N --queue line-inbound [--max 100]</c>: sends the
/// queue's dead-lettered messages back to it (docs/operations.md), through Azure.Messaging.ServiceBus.
/// Signs in with the Azure CLI's account or any other DefaultAzureCredential source.
/// </summary>
public static class DeadLettersCommand
{
    public const int DefaultMaxMessages = 100;

    public static Command Create()
    {
        var serviceBusNamespace = new Option<string>("--namespace")
        {
            Description = "The Service Bus namespace: its name (sb-linecon-...) or host name (sb-linecon-....servicebus.windows.net).",
            Required = true,
        };
        var queue = new Option<string>("--queue") { Description = "The queue whose dead-letter queue to replay.", Required = true };
        queue.AcceptOnlyFromAmong(QueueNames.Inbound, QueueNames.Outbound);
        var max = new Option<int>("--max") { Description = "The most messages to replay.", DefaultValueFactory = _ => DefaultMaxMessages };
        max.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--max must be at least 1.");
            }
        });

        var replay = new Command("replay", "Send a queue's dead-lettered messages back to it, oldest first, with their session and message ids.")
        {
            serviceBusNamespace, queue, max,
        };
        replay.SetAction(async (parse, cancellationToken) =>
        {
            await using var client = Client(parse.GetValue(serviceBusNamespace)!);
            var queueName = parse.GetValue(queue)!;
            try
            {
                var report = await new DeadLetterReplay(client, TimeProvider.System).ReplayAsync(queueName, parse.GetValue(max), cancellationToken);
                foreach (var message in report.Replayed)
                {
                    Console.WriteLine($"replayed {message.MessageId} (session {message.SessionId}; dead-lettered after {message.DeliveryCount} deliveries: {message.DeadLetterReason ?? "no reason given"})");
                }

                Console.WriteLine($"{report.Replayed.Count} message(s) replayed to {queueName}.");
                if (report.TooRecent is { } waiting)
                {
                    Console.WriteLine(
                        $"Stopped at {waiting.MessageId}: it was enqueued at {waiting.EnqueuedTime.ToString("u", CultureInfo.InvariantCulture)}, and Service Bus drops a resent message "
                        + $"as a duplicate until {report.ReplayableAt!.Value.ToString("u", CultureInfo.InvariantCulture)}. Run again after that.");
                    return 1;
                }

                return 0;
            }
            catch (Exception e) when (e is ServiceBusException or UnauthorizedAccessException or AuthenticationFailedException or InvalidDataException)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return 1;
            }
        });

        return new Command("dead-letters", "Work with the dead-letter queues of the connector's Service Bus queues.") { replay };
    }

    /// <summary>
    /// A client for the namespace, signed in as DefaultAzureCredential finds (the Azure CLI's account on an
    /// operator's machine). AMQP over WebSockets: port 443 only, which networks that block AMQP's 5671 let through.
    /// </summary>
    public static ServiceBusClient Client(string serviceBusNamespace) =>
        new(NamespaceEndpoint(serviceBusNamespace).Host, new DefaultAzureCredential(), new ServiceBusClientOptions { TransportType = ServiceBusTransportType.AmqpWebSockets });

    /// <summary>https://{host}/ for a namespace given by name or host name.</summary>
    public static Uri NamespaceEndpoint(string serviceBusNamespace)
    {
        var host = serviceBusNamespace.Trim().TrimEnd('/');
        if (host.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            host = host["https://".Length..];
        }

        return new Uri($"https://{(host.Contains('.', StringComparison.Ordinal) ? host : host + ".servicebus.windows.net")}/");
    }
}
