using LineConnector.Core.Channels;
using LineConnector.Core.Line;
using LineConnector.Core.Line.Api;
using LineConnector.Core.Outbound;
using LineConnector.Core.Queueing;
using LineConnector.Functions.Channels;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using LineConnector.Functions.Hosting;

namespace LineConnector.Functions.Outbound;

public static class OutboundServices
{
    /// <summary>
    /// The LINE API client and the <c>line-outbound</c> handler. Tokens, records and reports default to
    /// local mode's (configuration, memory, log) unless registered before. Needs an <see cref="IOutboundPolicy"/>.
    /// Settings: section <c>Line</c> (<see cref="LineApiOptions"/> and <see cref="LineApiClientOptions"/>'s retries
    /// and timeout) and section <c>Outbound</c> (<see cref="OutboundDeliveryOptions"/>).
    /// </summary>
    public static IServiceCollection AddLineDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<LineApiClientOptions>(configuration.GetSection(LineApiOptions.Section));
        services.Configure<OutboundDeliveryOptions>(configuration.GetSection(OutboundDeliveryOptions.Section));
        services.TryAddSingleton<IOutboundRecords>(sp => new InMemoryOutboundRecords(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IDeliveryReporter, LoggingDeliveryReporter>();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<LineApiClientOptions>>().Value;
            options.Endpoints = sp.GetRequiredService<IOptions<LineApiOptions>>().Value;
            return new LineApiClient(CallerTimedHttpClient.Create(), sp.GetRequiredService<IChannelAccessTokenProvider>(), options, sp.GetRequiredService<TimeProvider>());
        });
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
