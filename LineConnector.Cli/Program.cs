using System.CommandLine;
using LineConnector.Cli;

var root = new RootCommand("line-connector: operate the LINE connector for Azure.");
foreach (var command in CliCommands.All())
{
    root.Subcommands.Add(command);
}

return await root.Parse(args).InvokeAsync();
