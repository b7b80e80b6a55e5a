using System.CommandLine;
using LineConnector.Core.Line;

namespace LineConnector.Cli;

/// <summary><c>line-connector sign-webhook --secret S &lt;file|-&gt;</c>: prints the x-line-signature of a body, for test webhooks.</summary>
public static class SignWebhookCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("body") { Description = "File with the exact webhook body, or - for standard input." };
        var secret = new Option<string>("--secret") { Description = "The channel secret (default: environment LINE_CHANNEL_SECRET).", };
        var command = new Command("sign-webhook", "Print the x-line-signature header value for a webhook body.") { file, secret };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var key = parse.GetValue(secret) ?? Environment.GetEnvironmentVariable("LINE_CHANNEL_SECRET");
            if (string.IsNullOrEmpty(key))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("No channel secret: pass --secret or set LINE_CHANNEL_SECRET.");
                return 2;
            }

            var path = parse.GetValue(file)!;
            byte[] body;
            try
            {
                body = path == "-" ? await ReadAllAsync(Console.OpenStandardInput(), cancellationToken) : await File.ReadAllBytesAsync(path, cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"Cannot read {path}: {e.Message}");
                return 2;
            }

            await parse.InvocationConfiguration.Output.WriteLineAsync(LineSignature.Compute(body, key));
            return 0;
        });
        return command;
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }
}
