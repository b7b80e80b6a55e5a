using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using LineConnector.Core.Media;
using LineConnector.Core.Outbound;

namespace LineConnector.Cli;

/// <summary>
/// <c>line-connector check-message &lt;file|-&gt; [--json]</c>: runs the outbound policy on a JSON
/// array of LINE message objects. Exit 0 accepted, 1 refused, 2 usage or I/O error.
/// </summary>
public static class CheckMessageCommand
{
    public static Command Create() =>
        Create(() => new MediaFetcher(new MediaFetchOptions(), TimeProvider.System), Console.OpenStandardInput);

    /// <param name="fetcher">Makes the fetcher for media URLs; tests pass one that may reach a local server.</param>
    /// <param name="standardInput">What <c>-</c> reads.</param>
    internal static Command Create(Func<MediaFetcher> fetcher, Func<Stream> standardInput)
    {
        var file = new Argument<string>("messages") { Description = "File with a JSON array of LINE message objects, or - for standard input." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var command = new Command("check-message", "Say whether LINE message objects may be sent, and every reason each is refused.")
        {
            file,
            json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var path = parse.GetValue(file)!;
            JsonDocument document;
            try
            {
                await using var input = path == "-" ? standardInput() : File.OpenRead(path);
                document = await JsonDocument.ParseAsync(input, cancellationToken: cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"Cannot read {path}: {e.Message}");
                return CheckMediaCommand.IoError;
            }
            catch (JsonException e)
            {
                await error.WriteLineAsync($"{path} is not valid JSON: {e.Message}");
                return CheckMediaCommand.IoError;
            }

            using (document)
            {
                using var client = fetcher();
                OutboundVerdict verdict;
                try
                {
                    verdict = await new OutboundPolicy(client).CheckAsync(document.RootElement, cancellationToken);
                }
                catch (MediaFetchException e)
                {
                    await error.WriteLineAsync($"Cannot read the media: {e.Message}");
                    return CheckMediaCommand.IoError;
                }

                var requests = document.RootElement.ValueKind == JsonValueKind.Array ? OutboundPolicy.Batches(document.RootElement).Count : 0;
                await WriteAsync(output, verdict, requests, parse.GetValue(json));
                return verdict.Accepted ? CheckMediaCommand.Accepted : CheckMediaCommand.Refused;
            }
        });
        return command;
    }

    private static async Task WriteAsync(TextWriter output, OutboundVerdict verdict, int requests, bool json)
    {
        static string Word(bool accepted) => accepted ? "accepted" : "refused";
        if (json)
        {
            var report = new MessagesReport(
                Word(verdict.Accepted),
                requests,
                verdict.ListReasons,
                verdict.Messages.Select(m => new MessageReport(m.Index, m.Type, Word(m.Accepted), m.Reasons)).ToList());
            await output.WriteLineAsync(JsonSerializer.Serialize(report, CliJsonContext.Default.MessagesReport));
            return;
        }

        await output.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"{Word(verdict.Accepted)}: {verdict.Messages.Count} message(s) in {requests} LINE request(s)"));
        foreach (var reason in verdict.ListReasons)
        {
            await output.WriteLineAsync($"  - {reason}");
        }

        foreach (var message in verdict.Messages)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"messages[{message.Index}] ({message.Type}): {Word(message.Accepted)}"));
            foreach (var reason in message.Reasons)
            {
                await output.WriteLineAsync($"  - {reason}");
            }
        }
    }
}
