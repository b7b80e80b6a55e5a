using LineConnector.Core.Channels;

namespace LineConnector.Core.Destinations;

/// <summary>
/// Destination secrets as callers see them: a refresh (after a bearer that does not match) reaches the
/// store at most once per channel (whichever of its destinations) per <see cref="SecretRefreshOptions.MinRefreshInterval"/>;
/// others are served from its cache.
/// </summary>
public sealed class RefreshLimitedDestinationSecrets(IDestinationSecrets store, SecretRefreshLimit limit) : IDestinationSecrets
{
    public ValueTask<string> GetAsync(string channelId, string destinationId, bool refresh, CancellationToken cancellationToken) =>
        store.GetAsync(channelId, destinationId, refresh && limit.TryStart("destinations:" + channelId), cancellationToken);
}
