using LineConnector.Core.Chat;

namespace LineConnector.Functions.Chat;

/// <summary>LINE's own chat features: read receipts and the loading animation. Needs the LINE client and the enquiries.</summary>
public static class ChatServices
{
    public static IServiceCollection AddLineExtras(this IServiceCollection services)
    {
        services.AddSingleton<ReadReceipts>();
        services.AddSingleton<LoggedReadReceipts>();
        services.AddSingleton<LoadingAnimation>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ChatJsonContext.Default));
        return services;
    }
}
