using LineConnector.Core.Cost;
using LineConnector.Core.Line.Api;

namespace LineConnector.Functions.Cost;

/// <summary>Reply and push counts and LINE's quota. Needs the LINE client, the channels and the table store. Settings: section <c>Quota</c> (<see cref="QuotaWatchOptions"/>).</summary>
public static class CostServices
{
    public static IServiceCollection AddCost(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(QuotaWatchOptions.Section).Get<QuotaWatchOptions>() ?? new QuotaWatchOptions();
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"App settings: {e.Message}", e);
        }

        services.AddSingleton(sp => new QuotaWatch(sp.GetRequiredService<LineApiClient>(), options, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ChannelUsage>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, CostJsonContext.Default));
        return services;
    }
}
