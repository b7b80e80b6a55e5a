using System.Security.Cryptography;
using System.Text;
using LineConnector.Core.Privacy;

namespace LineConnector.Functions.Privacy;

/// <summary>
/// Data protection: the keyed hash of masked logs (<see cref="DataProtectionOptions"/>), erasing a user,
/// and the retention sweep (the <c>DataRetention</c> timer function under the host; <see cref="LocalRetentionTimer"/> in local mode).
/// </summary>
public static class PrivacyServices
{
    public static IServiceCollection AddPrivacy(this IServiceCollection services, IConfiguration configuration, bool hostedByFunctions)
    {
        var options = configuration.GetSection(DataProtectionOptions.Section).Get<DataProtectionOptions>() ?? new DataProtectionOptions();
        // App Service leaves a Key Vault reference it cannot resolve as it is (no secret, or no right to read it):
        // that text is no secret, so it must not become the key.
        if (options.UserIdHashKey?.StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase) == true)
        {
            throw new InvalidOperationException($"App setting '{DataProtectionOptions.Section}__UserIdHashKey' is a Key Vault reference the platform did not resolve: the secret it names must exist and the app's identity must be allowed to read it (deploy with a key: docs/deploy.md).");
        }

        if (options.UserIdHashKey is { Length: > 0 and < 16 })
        {
            throw new InvalidOperationException($"App setting '{DataProtectionOptions.Section}__UserIdHashKey' must be at least 16 characters (it is shorter; its value is not shown).");
        }

        var key = string.IsNullOrEmpty(options.UserIdHashKey) ? RandomNumberGenerator.GetBytes(32) : Encoding.UTF8.GetBytes(options.UserIdHashKey);
        services.AddSingleton(new UserIdHasher(key));
        services.AddSingleton<SensitiveLogging>();
        FrameworkLogMasking.Add(services);
        services.AddSingleton<UserErasure>();
        services.AddSingleton<RetentionSweep>();
        if (!hostedByFunctions)
        {
            services.AddHostedService<LocalRetentionTimer>();
        }

        return services;
    }
}
