using LineConnector.Core.Channels;
using LineConnector.Core.Destinations;
using LineConnector.Core.Line.Api;
using LineConnector.Core.Outbound;
using LineConnector.Core.Queueing;
using LineConnector.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace LineConnector.Functions.Outbound;

public static class OutboundServices
{
    /// <summary>
    /// The LINE API client and the <c>line-outbound</c> handler: outbound records in the table store
    /// (durable under the host and in local mode alike), results reported to destinations and logged.
    /// Needs the channels, the enquiries and an <see cref="IOutboundPolicy"/>. Settings: section <c>Line</c>
    /// (<see cref="LineApiClientOptions"/>) and section <c>Outbound</c> (<see cref="OutboundDeliveryOptions"/>).
    /// </summary>
    public static IServiceCollection AddLineDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<LineApiClientOptions>(configuration.GetSection(LineApiClientOptions.Section));
        services.Configure<OutboundDeliveryOptions>(configuration.GetSection(OutboundDeliveryOptions.Section));
        services.AddSingleton<IChannelCredentials, StoredChannelCredentials>();
        services.AddSingleton(sp => new LineApiClient(
            CallerTimedHttpClient.Create(),
            sp.GetRequiredService<IChannelCredentials>(),
            sp.GetRequiredService<IOptions<LineApiClientOptions>>().Value,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IOutboundRecords, TableOutboundRecords>();
        services.AddSingleton<DestinationDeliveryReporter>();
        services.AddSingleton<IDeliveryReporter, LoggingDeliveryReporter>();
        services.AddSingleton(sp => new OutboundDelivery(
            sp.GetRequiredService<LineApiClient>(),
            sp.GetRequiredService<IOutboundPolicy>(),
            sp.GetRequiredService<IOutboundRecords>(),
            sp.GetRequiredService<IDeliveryReporter>(),
            sp.GetRequiredService<IOptions<OutboundDeliveryOptions>>().Value,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IQueueMessageHandler, OutboundQueueHandler>();
        return services;
    }
}
