using LineConnector.Functions.DeadLetters;
using LineConnector.Functions.LocalMode;

namespace LineConnector.Cli.DeadLetters;

/// <summary>
/// The dead letters of local mode's store (the SQLite file of <c>LocalStore__Path</c>), listed and replayed
/// beside a running app, which takes replayed messages up within a second (or at its next start).
/// A replayed message goes straight back to its queue, with its MessageId and SessionId, behind the
/// messages waiting in its session: local mode's queue has no duplicate detection to wait out for it.
/// </summary>
public sealed class LocalDeadLetters(string storePath)
{
    /// <summary>The store's file as given, relative to the working directory.</summary>
    public string StorePath { get; } = storePath;

    /// <exception cref="FileNotFoundException">There is no store at <see cref="StorePath"/>.</exception>
    public async Task<IReadOnlyList<DeadLetterMessage>> ListAsync(string queue, int maxMessages, CancellationToken cancellationToken)
    {
        using var database = Open();
        var messages = await new LocalQueueStore(database).DeadLettersAsync(queue, maxMessages, cancellationToken);
        return [.. messages.Select(DeadLetterMessage.Of)];
    }

    /// <exception cref="FileNotFoundException">There is no store at <see cref="StorePath"/>.</exception>
    public async Task<IReadOnlyList<DeadLetterMessage>> ReplayAsync(string queue, int maxMessages, CancellationToken cancellationToken)
    {
        using var database = Open();
        var messages = await new LocalQueueStore(database).ReplayDeadLettersAsync(queue, maxMessages, cancellationToken);
        return [.. messages.Select(DeadLetterMessage.Of)];
    }

    private LocalDatabase Open()
    {
        var path = Path.GetFullPath(StorePath);
        if (!File.Exists(path))
        {
            // Opening would create an empty store: say where none was found instead.
            throw new FileNotFoundException(
                $"There is no local store at {path}. Run the command in the folder local mode ran in (its store is {LocalStoreOptions.DefaultPath} there), or give the file of its {LocalStoreOptions.Section}__Path: --local <file>.",
                path);
        }

        return LocalDatabase.Open(path);
    }
}
