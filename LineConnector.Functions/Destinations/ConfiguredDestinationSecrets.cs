using LineConnector.Core.Destinations;
using LineConnector.Functions.Channels;

namespace LineConnector.Functions.Destinations;

/// <summary>
/// Destination secrets from configuration, for local mode: <c>Channels__{id}__Destinations__{destination}__Secret</c>
/// in <c>local.settings.json</c> or the environment, re-read on every call.
/// </summary>
public sealed class ConfiguredDestinationSecrets(IConfiguration configuration) : IDestinationSecrets
{
    public const string SecretKey = "Secret";

    public ValueTask<string> GetAsync(string channelId, string destinationId, bool refresh, CancellationToken cancellationToken)
    {
        var secret = configuration.GetSection(LocalChannelSeeder.Section).GetSection(channelId)
            .GetSection(LocalChannelSeeder.DestinationsKey).GetSection(destinationId)[SecretKey];
        return string.IsNullOrEmpty(secret)
            ? throw DestinationSecrets.Missing(channelId, destinationId, $"{LocalChannelSeeder.Section}__{channelId}__{LocalChannelSeeder.DestinationsKey}__{destinationId}__{SecretKey}")
            : ValueTask.FromResult(secret);
    }
}
