using Azure.Core;

namespace LineConnector.Functions.ServiceBus;

/// <summary>Options of <see cref="ServiceBusRestSender"/>: the pipeline's retry, transport and diagnostics, plus batching.</summary>
public sealed class ServiceBusSenderOptions : ClientOptions
{
    public ServiceBusSenderOptions()
    {
        Retry.Mode = RetryMode.Exponential;
        Retry.MaxRetries = 4;
        Retry.Delay = TimeSpan.FromMilliseconds(100);
        Retry.MaxDelay = TimeSpan.FromSeconds(2);
        // LINE waits 1-2 s for the webhook's answer; a send that hangs longer is retried.
        Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
    }

    /// <summary>
    /// The most bytes of bodies put in one batch request. Service Bus Standard accepts at most
    /// 256 KB per message and per batch; the margin covers the batch's JSON and broker properties.
    /// </summary>
    public int MaxBatchBodyBytes { get; set; } = 192 * 1024;
}
