using System.CommandLine;

namespace LineConnector.Cli;

/// <summary>Parses and runs a command line. Usage errors exit with 2, so that 1 can mean "refused".</summary>
public static class CliRunner
{
    public const int UsageError = 2;

    public static async Task<int> RunAsync(IEnumerable<Command> commands, string[] args, InvocationConfiguration configuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var root = new RootCommand("line-connector: operate the LINE connector for Azure.");
        foreach (var command in commands)
        {
            root.Subcommands.Add(command);
        }

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await configuration.Error.WriteLineAsync(error.Message);
            }

            await configuration.Error.WriteLineAsync("Run 'line-connector --help' for usage.");
            return UsageError;
        }

        return await parse.InvokeAsync(configuration, cancellationToken);
    }
}
