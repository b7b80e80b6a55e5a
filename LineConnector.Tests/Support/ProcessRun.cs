using System.Diagnostics;

namespace LineConnector.Tests.Support;

/// <summary>A child process (a script, a build) run to its end within a time limit, and what it wrote.</summary>
/// <param name="TimedOut">The limit passed first: the process and its children were killed.</param>
public sealed record ProcessRun(int ExitCode, string Output, string Errors, bool TimedOut)
{
    public static async Task<ProcessRun> RunAsync(ProcessStartInfo start, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            timedOut = true;
        }

        return new(process.ExitCode, await output, await errors, timedOut);
    }
}
