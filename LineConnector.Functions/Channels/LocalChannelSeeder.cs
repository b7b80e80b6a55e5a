using LineConnector.Core.Channels;
using LineConnector.Core.Storage;
using LineConnector.Functions.LocalMode;

namespace LineConnector.Functions.Channels;

/// <summary>
/// Local mode: writes the channels declared in configuration into the local store at every start-up
/// (configuration wins over changes made through the admin API; channels made there stay), with the
/// same table and property names as in Azure (docs/configuration.md):
/// <c>Channels__{id}__{property}</c> for the channel row,
/// <c>Channels__{id}__Destinations__{destinationId}__{property}</c> and
/// <c>Channels__{id}__Routing__{rowKey}__{property}</c> for its rows. Credentials
/// (<c>ChannelSecret</c>, <c>PreviousChannelSecret</c>, <c>ChannelAccessToken</c>) stay in
/// configuration. Table Storage (Azurite, Azure) is never seeded. Each channel is read back once, as
/// the store read judges it: a misconfigured one is logged at start-up naming the table, row and
/// property, and stays reported as misconfigured until its configuration is fixed.
/// </summary>
public sealed partial class LocalChannelSeeder(IConfiguration configuration, ITableStore store, ChannelRepository channels, ILogger<LocalChannelSeeder> logger) : IHostedService
{
    public const string Section = "Channels";
    public const string DestinationsKey = "Destinations";
    public const string RoutingKey = "Routing";

    private static readonly HashSet<string> NotInTables = new(StringComparer.OrdinalIgnoreCase)
    {
        ConfiguredChannelSecrets.ChannelSecretKey, ConfiguredChannelSecrets.PreviousChannelSecretKey, ConfiguredChannelSecrets.AccessTokenKey,
        Translation.ConfiguredTranslatorKeys.KeySetting,
    };

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (store is not (SqliteTableStore or InMemoryTableStore))
        {
            return;
        }

        foreach (var table in ChannelTables.All)
        {
            await store.CreateTableIfNotExistsAsync(table, cancellationToken);
        }

        foreach (var channel in configuration.GetSection(Section).GetChildren())
        {
            if (!ChannelId.IsValid(channel.Key))
            {
                LogSkipped(channel.Key);
                continue;
            }

            await store.UpsertAsync(ChannelTables.Channels, Row(ChannelTables.ChannelPartition, channel.Key, channel), cancellationToken);
            foreach (var destination in channel.GetSection(DestinationsKey).GetChildren())
            {
                await store.UpsertAsync(ChannelTables.Destinations, Row(channel.Key, destination.Key, destination), cancellationToken);
            }

            foreach (var routing in channel.GetSection(RoutingKey).GetChildren())
            {
                await store.UpsertAsync(ChannelTables.Routing, Row(channel.Key, routing.Key, routing), cancellationToken);
            }

            try
            {
                await channels.GetAsync(channel.Key, cancellationToken);
                LogSeeded(channel.Key);
            }
            catch (ChannelConfigurationException e)
            {
                LogMisconfigured(channel.Key, e.Message);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static TableRow Row(string partitionKey, string rowKey, IConfigurationSection section)
    {
        var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in section.GetChildren())
        {
            if (property.Value is { } value && !NotInTables.Contains(property.Key))
            {
                properties[property.Key] = value;
            }
        }

        return new TableRow(partitionKey, rowKey, properties);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Local mode: channel {ChannelId} loaded from configuration")]
    private partial void LogSeeded(string channelId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Local mode: channel {ChannelId} in configuration cannot be used until it is fixed: {Problems}")]
    private partial void LogMisconfigured(string channelId, string problems);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Local mode: configuration section Channels:{ChannelId} is ignored: a channel id has 1 to 64 ASCII letters, digits, '-' and '_'")]
    private partial void LogSkipped(string channelId);
}
