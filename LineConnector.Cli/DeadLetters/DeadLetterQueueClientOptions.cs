using Azure.Core;

namespace LineConnector.Cli.DeadLetters;

/// <summary>Options of <see cref="DeadLetterQueueClient"/>: the pipeline's retry, transport and diagnostics.</summary>
public sealed class DeadLetterQueueClientOptions : ClientOptions
{
    public DeadLetterQueueClientOptions()
    {
        Retry.Mode = RetryMode.Exponential;
        Retry.MaxRetries = 4;
        Retry.Delay = TimeSpan.FromMilliseconds(200);
        Retry.MaxDelay = TimeSpan.FromSeconds(5);
        Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
    }
}
