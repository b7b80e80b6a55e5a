using System.CommandLine;

namespace LineConnector.Cli;

/// <summary>
/// The <c>line-connector</c> entry point. A named class rather than top-level statements: the command line
/// references the function app (for local mode's store), whose global <c>Program</c> would clash with a second one.
/// </summary>
public static class Program
{
    public static Task<int> Main(string[] args) =>
        CliRunner.RunAsync(CliCommands.All(), args, new InvocationConfiguration(), CancellationToken.None);
}
