using System.CommandLine;
using LineConnector.Cli;

return await CliRunner.RunAsync(CliCommands.All(), args, new InvocationConfiguration(), CancellationToken.None);
