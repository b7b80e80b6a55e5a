using System.CommandLine;
using System.Text.Json;
using LineConnector.Core.Transformers;

namespace LineConnector.Cli;

/// <summary>
/// <c>line-connector transformers test CHANNEL --hook input --input event.json [--code transformers.js] [--storage storage.json]</c>:
/// runs one of the channel's transformer functions (or the code in a file, not saved) on a sample through the admin
/// API (<c>POST /api/manage/channels/{id}/transformers/test</c>) and prints the output, storage object and console
/// lines. URL and function key as for <c>channels</c>.
/// </summary>
public static class TransformerCommands
{
    /// <param name="handler">The HTTP handler to reach the API with (tests pass the app's own); null: the network.</param>
    public static Command Create(Func<HttpMessageHandler>? handler = null)
    {
        var context = new ManageApiContext("text", handler);
        var channel = new Argument<string>("channel") { Description = "The channel id." };
        var hook = new Option<string>("--hook") { Description = $"Which function: {TransformerHookTexts.Hook.Choices}.", Required = true };
        hook.AcceptOnlyFromAmong("input", "output", "notify", "inject");
        var input = new Option<FileInfo>("--input") { Description = "A JSON file with the sample: a LINE webhook event (input), an array of LINE message objects (output), a notify request or an injected input.", Required = true };
        var code = new Option<FileInfo?>("--code") { Description = "A JavaScript file to try instead of the channel's code (it is not saved)." };
        var storage = new Option<FileInfo?>("--storage") { Description = "A JSON file with the storage object to start from (default: empty)." };

        var test = new Command("test", "Run one transformer function on a sample; prints its output, storage object and console lines.") { channel, hook, input, code, storage };
        test.SetAction(async (parse, cancellationToken) =>
        {
            string body;
            try
            {
                using var sample = JsonDocument.Parse(await File.ReadAllTextAsync(parse.GetValue(input)!.FullName, cancellationToken));
                using var start = parse.GetValue(storage) is { } storageFile ? JsonDocument.Parse(await File.ReadAllTextAsync(storageFile.FullName, cancellationToken)) : null;
                var script = parse.GetValue(code) is { } codeFile ? await File.ReadAllTextAsync(codeFile.FullName, cancellationToken) : null;
                body = JsonSerializer.Serialize(new TransformerTestRequest(parse.GetValue(hook), sample.RootElement, start?.RootElement, script), TransformerJsonContext.Default.TransformerTestRequest);
            }
            catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"error: cannot read a file: {e.Message}");
                return 2;
            }

            var failed = false;
            var exit = await context.RunAsync(
                parse,
                HttpMethod.Post,
                $"api/manage/channels/{Uri.EscapeDataString(parse.GetValue(channel)!)}/transformers/test",
                body,
                null,
                (output, json) => failed = Print(output, JsonSerializer.Deserialize(json, TransformerJsonContext.Default.TransformerTestResource)!),
                cancellationToken);
            return exit == 0 && failed ? 1 : exit;
        });

        return new Command("transformers", "Try a channel's transformer functions.") { context.Url, context.Key, context.Json, test };
    }

    /// <summary>Prints the result; true when the function failed.</summary>
    private static bool Print(TextWriter output, TransformerTestResource result)
    {
        output.WriteLine($"outcome  {result.Outcome}");
        if (result.Error is { } error)
        {
            output.WriteLine($"error    {error}");
        }

        if (result.Output is { } value)
        {
            output.WriteLine($"output   {value.GetRawText()}");
        }

        output.WriteLine($"storage  {result.Storage?.GetRawText() ?? "{}"}");
        foreach (var line in result.Console)
        {
            output.WriteLine($"console  {line}");
        }

        return result.Outcome == "failed";
    }
}
