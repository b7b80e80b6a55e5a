using LineConnector.Core.Channels;
using LineConnector.Core.Destinations;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Queueing;
using LineConnector.Functions.Destinations;
using LineConnector.Functions.Hosting;
using LineConnector.Functions.KeyVault;

namespace LineConnector.Functions.Enquiries;

/// <summary>
/// Enquiries: the <c>line-inbound</c> handler, the enquiry API, the enquiry and presence stores, and
/// destinations (their secrets from Key Vault, or configuration in local mode). Needs the channels and
/// the LINE client (content downloads). Settings: sections <c>Enquiries</c> (<see cref="EnquiryOptions"/>)
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

        // A re-read forced by a bearer that does not match reaches the store at most once per destination per interval.
        if (configuration.GetSection(KeyVaultOptions.Section).Get<KeyVaultOptions>()?.VaultUri is not null)
        {
            services.AddSingleton<KeyVaultDestinationSecrets>();
            services.AddSingleton<IDestinationSecrets>(sp => new RefreshLimitedDestinationSecrets(sp.GetRequiredService<KeyVaultDestinationSecrets>(), sp.GetRequiredService<SecretRefreshLimit>()));
        }
        else
        {
            services.AddSingleton<ConfiguredDestinationSecrets>();
            services.AddSingleton<IDestinationSecrets>(sp => new RefreshLimitedDestinationSecrets(sp.GetRequiredService<ConfiguredDestinationSecrets>(), sp.GetRequiredService<SecretRefreshLimit>()));
        }

        services.AddSingleton<IQueueMessageHandler, InboundEnquiryHandler>();
        return services;
    }
}
