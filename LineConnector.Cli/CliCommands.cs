using System.CommandLine;

namespace LineConnector.Cli;

/// <summary>Every command of the command line; each feature adds its own command here.</summary>
public static class CliCommands
{
    public static IEnumerable<Command> All() =>
    [
        SignWebhookCommand.Create(),
        CheckMediaCommand.Create(),
        CheckMessageCommand.Create(),
        DeadLetters.DeadLettersCommand.Create(),
        ChannelCommands.Create(),
        RouteCommands.Create(),
        TransformerCommands.Create(),
    ];
}
