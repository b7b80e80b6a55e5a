using System.CommandLine;
using System.Globalization;
using Azure.Identity;
using Azure.Messaging.ServiceBus;
using LineConnector.Core.Queueing;
using LineConnector.Functions.DeadLetters;
using LineConnector.Functions.LocalMode;

namespace LineConnector.Cli.DeadLetters;

/// <summary>
/// <c>line-connector dead-letters list|replay (--namespace N | --local [file]) --queue line-inbound [--max 100]</c>:
/// lists a queue's dead-lettered messages, or sends them back to it (docs/operations.md), on Service Bus
/// (through Azure.Messaging.ServiceBus, signed in with the Azure CLI's account or any other DefaultAzureCredential
/// source) or in local mode's store (its SQLite file, also while the app runs).
/// </summary>
public static class DeadLettersCommand
{
    public const int DefaultMaxMessages = 100;

    public static Command Create() =>
        new("dead-letters", "Work with the dead letters of the connector's queues: on Service Bus (--namespace) or in local mode's store (--local).")
        {
            List(),
            Replay(),
        };

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

    private static Command List()
    {
        var source = new Source("list");
        var list = new Command("list", "List a queue's dead-lettered messages, oldest first, with why each was given up; nothing is changed.");
        source.AddTo(list);
        list.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var (queue, max) = (parse.GetValue(source.Queue)!, parse.GetValue(source.Max));
            return await RunAsync(parse, async () =>
            {
                IReadOnlyList<DeadLetterMessage> messages;
                if (source.LocalStore(parse) is { } store)
                {
                    messages = await new LocalDeadLetters(store).ListAsync(queue, max, cancellationToken);
                }
                else
                {
                    await using var client = Client(parse.GetValue(source.Namespace)!);
                    messages = await DeadLetterPeek.ListAsync(client, queue, max, cancellationToken);
                }

                foreach (var message in messages)
                {
                    await output.WriteLineAsync(
                        $"{message.MessageId} (session {message.SessionId}; enqueued {message.EnqueuedTime.ToString("u", CultureInfo.InvariantCulture)}; "
                        + $"dead-lettered after {message.DeliveryCount} deliveries: {message.DeadLetterReason ?? "no reason given"})");
                }

                await output.WriteLineAsync(messages.Count == max
                    ? $"{messages.Count} dead-lettered message(s) on {queue} listed; there may be more (--max)."
                    : $"{messages.Count} dead-lettered message(s) on {queue}.");
                return 0;
            });
        });
        return list;
    }

    private static Command Replay()
    {
        var source = new Source("replay");
        var replay = new Command("replay", "Send a queue's dead-lettered messages back to it, oldest first, with their session and message ids.");
        source.AddTo(replay);
        replay.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var (queue, max) = (parse.GetValue(source.Queue)!, parse.GetValue(source.Max));
            return await RunAsync(parse, async () =>
            {
                if (source.LocalStore(parse) is { } store)
                {
                    var replayed = await new LocalDeadLetters(store).ReplayAsync(queue, max, cancellationToken);
                    await PrintReplayedAsync(output, replayed);
                    await output.WriteLineAsync($"{replayed.Count} message(s) replayed to {queue} in {Path.GetFullPath(store)}; a running app takes them up within a second, else at its next start.");
                    return 0;
                }

                await using var client = Client(parse.GetValue(source.Namespace)!);
                var report = await new DeadLetterReplay(client, TimeProvider.System).ReplayAsync(queue, max, cancellationToken);
                await PrintReplayedAsync(output, report.Replayed);
                await output.WriteLineAsync($"{report.Replayed.Count} message(s) replayed to {queue}.");
                if (report.TooRecent is { } waiting)
                {
                    await output.WriteLineAsync(
                        $"Stopped at {waiting.MessageId}: it was enqueued at {waiting.EnqueuedTime.ToString("u", CultureInfo.InvariantCulture)}, and Service Bus drops a resent message "
                        + $"as a duplicate until {report.ReplayableAt!.Value.ToString("u", CultureInfo.InvariantCulture)}. Run again after that.");
                    return 1;
                }

                return 0;
            });
        });
        return replay;
    }

    private static async Task PrintReplayedAsync(TextWriter output, IEnumerable<DeadLetterMessage> replayed)
    {
        foreach (var message in replayed)
        {
            await output.WriteLineAsync($"replayed {message.MessageId} (session {message.SessionId}; dead-lettered after {message.DeliveryCount} deliveries: {message.DeadLetterReason ?? "no reason given"})");
        }
    }

    /// <summary>Runs a command's work; a failure of the queues or the store is reported on the error output with exit code 1.</summary>
    private static async Task<int> RunAsync(ParseResult parse, Func<Task<int>> work)
    {
        try
        {
            return await work();
        }
        catch (Exception e) when (e is ServiceBusException or UnauthorizedAccessException or AuthenticationFailedException or InvalidDataException
            or FileNotFoundException or InvalidOperationException or Microsoft.Data.Sqlite.SqliteException)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync(e.Message);
            return 1;
        }
    }

    /// <summary>Where a command's dead letters are (a Service Bus namespace, or local mode's store) and which queue's.</summary>
    private sealed class Source
    {
        public Source(string verb)
        {
            Queue = new Option<string>("--queue") { Description = $"The queue whose dead letters to {verb}.", Required = true };
            Queue.AcceptOnlyFromAmong(QueueNames.Inbound, QueueNames.Outbound);
            Max.Validators.Add(result =>
            {
                if (result.GetValueOrDefault<int>() < 1)
                {
                    result.AddError("--max must be at least 1.");
                }
            });
        }

        public Option<string> Namespace { get; } = new("--namespace")
        {
            Description = "The Service Bus namespace: its name (sb-linecon-...) or host name (sb-linecon-....servicebus.windows.net).",
        };

        public Option<string?> Local { get; } = new("--local")
        {
            Description = $"Local mode's store instead of Service Bus: its file ({LocalStoreOptions.Section}__Path), by default {LocalStoreOptions.DefaultPath} under the working directory.",
            Arity = ArgumentArity.ZeroOrOne,
            HelpName = "file",
        };

        public Option<string> Queue { get; }

        public Option<int> Max { get; } = new("--max") { Description = "The most messages to take.", DefaultValueFactory = _ => DefaultMaxMessages };

        public void AddTo(Command command)
        {
            command.Options.Add(Namespace);
            command.Options.Add(Local);
            command.Options.Add(Queue);
            command.Options.Add(Max);
            command.Validators.Add(result =>
            {
                if ((result.GetResult(Namespace) is null) == (result.GetResult(Local) is null))
                {
                    result.AddError("Give either --namespace (Service Bus) or --local [file] (local mode's store).");
                }
            });
        }

        /// <summary>The local store's file when <c>--local</c> was given, else null.</summary>
        public string? LocalStore(ParseResult parse) =>
            parse.GetResult(Local) is null ? null : parse.GetValue(Local) ?? LocalStoreOptions.DefaultPath;
    }
}
