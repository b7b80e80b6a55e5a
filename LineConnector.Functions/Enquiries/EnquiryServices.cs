using LineConnector.Core.Destinations;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Outbound;
using LineConnector.Core.Queueing;
using LineConnector.Functions.Destinations;
using LineConnector.Functions.KeyVault;
using LineConnector.Functions.Outbound;
using LineConnector.Functions.Hosting;

namespace LineConnector.Functions.Enquiries;

/// <summary>
/// Enquiries: the <c>line-inbound</c> handler, the enquiry and presence stores, destinations (their
/// secrets from Key Vault, or configuration in local mode) and the delivery reporter. Register before
/// the LINE delivery, whose defaults it replaces. Settings: sections <c>Enquiries</c> (<see cref="EnquiryOptions"/>)
/// and <c>Destinations</c> (<see cref="DestinationWebhookOptions.Timeout"/>); http:// destinations on loopback only in local mode.
/// </summary>
public static class EnquiryServices
{
    public static IServiceCollection AddEnquiries(this IServiceCollection services, IConfiguration configuration, bool hostedByFunctions)
    {
        var enquiryOptions = configuration.GetSection(EnquiryOptions.Section).Get<EnquiryOptions>() ?? new EnquiryOptions();
        try
        {
            _ = new OfferSchedule(enquiryOptions, [], TimeZoneInfo.Utc);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"App settings: {e.Message}", e);
        }

        services.AddSingleton(enquiryOptions);
        services.AddSingleton<EnquiryStore>();
        services.AddSingleton<PresenceStore>();
        services.AddSingleton<EnquiryEffects>();
        services.AddSingleton<InboundProcessor>();
        services.AddSingleton<EnquiryService>();
        services.AddSingleton<DestinationSender>();
        var options = (configuration.GetSection(DestinationWebhookOptions.Section).Get<DestinationWebhookOptions>() ?? new DestinationWebhookOptions())
            with { AllowLoopbackHttp = !hostedByFunctions };
        services.AddSingleton(sp => new DestinationWebhookClient(
            CallerTimedHttpClient.Create(),
            options,
            sp.GetRequiredService<TimeProvider>()));

        if (configuration.GetSection(KeyVaultOptions.Section).Get<KeyVaultOptions>()?.VaultUri is not null)
        {
            services.AddSingleton<IDestinationSecrets, KeyVaultDestinationSecrets>();
        }
        else
        {
            services.AddSingleton<IDestinationSecrets, ConfiguredDestinationSecrets>();
        }

        services.AddSingleton<IQueueMessageHandler, InboundEnquiryHandler>();
        services.AddSingleton<LoggingDeliveryReporter>();
        services.AddSingleton<IDeliveryReporter, DestinationDeliveryReporter>();
        return services;
    }
}
