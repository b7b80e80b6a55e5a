namespace LineConnector.Cli.DeadLetters;

/// <summary>What a replay did.</summary>
/// <param name="Replayed">Messages sent back to the queue and removed from its dead-letter queue, in order.</param>
/// <param name="TooRecent">The message the replay stopped at because Service Bus would still drop it as a duplicate.</param>
/// <param name="ReplayableAt">When <paramref name="TooRecent"/> can be replayed.</param>
public sealed record ReplayReport(IReadOnlyList<DeadLetterMessage> Replayed, DeadLetterMessage? TooRecent, DateTimeOffset? ReplayableAt);

/// <summary>
/// Sends dead-lettered messages back to their queue, oldest first, with their MessageId and SessionId
/// unchanged: the queue requires a session, and the handlers deduplicate on the ids, so a message that
/// did take effect before it was dead-lettered takes effect once. A copy is sent before the original is
/// deleted; a failed send unlocks the original, which stays dead-lettered.
/// </summary>
public sealed class DeadLetterReplay(DeadLetterQueueClient client, TimeProvider clock)
{
    /// <summary>
    /// The queues' duplicate detection window (infra/modules/servicebus.bicep): a message sent again
    /// within it of its first send is accepted by Service Bus and silently dropped.
    /// </summary>
    public static readonly TimeSpan DuplicateDetectionWindow = TimeSpan.FromMinutes(10);

    public async Task<ReplayReport> ReplayAsync(string queue, int maxMessages, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMessages);
        var replayed = new List<DeadLetterMessage>();
        while (replayed.Count < maxMessages)
        {
            var message = await client.LockNextAsync(queue, cancellationToken);
            if (message is null)
            {
                break;
            }

            var replayableAt = message.EnqueuedTime + DuplicateDetectionWindow;
            if (clock.GetUtcNow() < replayableAt)
            {
                // Later messages were enqueued later still: stop here.
                await client.AbandonAsync(queue, message, cancellationToken);
                return new ReplayReport(replayed, message, replayableAt);
            }

            try
            {
                await client.SendAsync(queue, message, cancellationToken);
            }
            catch
            {
                await client.AbandonAsync(queue, message, CancellationToken.None);
                throw;
            }

            await client.CompleteAsync(queue, message, cancellationToken);
            replayed.Add(message);
        }

        return new ReplayReport(replayed, null, null);
    }
}
