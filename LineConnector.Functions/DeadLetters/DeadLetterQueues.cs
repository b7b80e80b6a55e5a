using Azure.Messaging.ServiceBus;
using LineConnector.Functions.LocalMode;

namespace LineConnector.Functions.DeadLetters;

/// <summary>
/// The dead-letter queues of <c>line-inbound</c> and <c>line-outbound</c> for the admin API: Service Bus's
/// under the Functions host (<see cref="DeadLetterPeek"/>, <see cref="DeadLetterReplay"/>, with the app's
/// identity), local mode's in its store. The command line's <c>dead-letters</c> commands do the same.
/// </summary>
public interface IDeadLetterQueues
{
    Task<IReadOnlyList<DeadLetterMessage>> ListAsync(string queue, int maxMessages, CancellationToken cancellationToken);

    Task<ReplayReport> ReplayAsync(string queue, int maxMessages, CancellationToken cancellationToken);
}

/// <summary>Service Bus's dead-letter sub-queues.</summary>
public sealed class ServiceBusDeadLetterQueues(ServiceBusClient client, TimeProvider clock) : IDeadLetterQueues
{
    public Task<IReadOnlyList<DeadLetterMessage>> ListAsync(string queue, int maxMessages, CancellationToken cancellationToken) =>
        DeadLetterPeek.ListAsync(client, queue, maxMessages, cancellationToken);

    public Task<ReplayReport> ReplayAsync(string queue, int maxMessages, CancellationToken cancellationToken) =>
        new DeadLetterReplay(client, clock).ReplayAsync(queue, maxMessages, cancellationToken);
}

/// <summary>Local mode's dead letters, in its store: a replayed message goes straight back to its queue (no duplicate detection to wait out).</summary>
public sealed class LocalDeadLetterQueues(LocalQueueStore store) : IDeadLetterQueues
{
    public async Task<IReadOnlyList<DeadLetterMessage>> ListAsync(string queue, int maxMessages, CancellationToken cancellationToken) =>
        [.. (await store.DeadLettersAsync(queue, maxMessages, cancellationToken)).Select(DeadLetterMessage.Of)];

    public async Task<ReplayReport> ReplayAsync(string queue, int maxMessages, CancellationToken cancellationToken) =>
        new([.. (await store.ReplayDeadLettersAsync(queue, maxMessages, cancellationToken)).Select(DeadLetterMessage.Of)], null, null);
}
