using Azure.Core;

namespace LineConnector.Functions.TableStorage;

/// <summary>Options of <see cref="TableStorageClient"/>: the pipeline's retry, transport and diagnostics, and its clock.</summary>
public sealed class TableStorageClientOptions : ClientOptions
{
    public TableStorageClientOptions()
    {
        // The pipeline retries 408, 429, 5xx, refused connections and timeouts.
        Retry.Mode = RetryMode.Exponential;
        Retry.MaxRetries = 4;
        Retry.Delay = TimeSpan.FromMilliseconds(200);
        Retry.MaxDelay = TimeSpan.FromSeconds(5);
        Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
    }

    /// <summary>The clock that dates requests (<c>x-ms-date</c>); Table Storage refuses requests dated over 15 minutes away.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
