using Azure.Identity;
using Azure.Messaging.ServiceBus;
using LineConnector.Core.Inbound;
using LineConnector.Core.Media;
using LineConnector.Core.Outbound;
using LineConnector.Core.Queueing;
using LineConnector.Core.Storage;
using LineConnector.Functions.Channels;
using LineConnector.Functions.Chat;
using LineConnector.Functions.Cost;
using LineConnector.Functions.Enquiries;
using LineConnector.Functions.LocalMode;
using LineConnector.Functions.MediaStore;
using LineConnector.Functions.Outbound;
using LineConnector.Functions.Privacy;
using LineConnector.Functions.Playground;
using LineConnector.Functions.QueueTriggers;
using LineConnector.Functions.ServiceBus;
using LineConnector.Functions.TableStorage;
using LineConnector.Functions.Translation;
using Microsoft.Extensions.Options;

namespace LineConnector.Functions.Hosting;

/// <summary>
/// How the app runs: under the Azure Functions host as a custom handler (the host sets
/// <c>FUNCTIONS_CUSTOMHANDLER_PORT</c>), or in local mode with in-process queues.
/// </summary>
public static class ConnectorHost
{
    public const string CustomHandlerPortVariable = "FUNCTIONS_CUSTOMHANDLER_PORT";
    public const string LocalUrl = "http://localhost:7071";
    public const string ServiceBusSection = "ServiceBusConnection";

    public static bool IsHostedByFunctions => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(CustomHandlerPortVariable));

    public static void Configure(WebApplicationBuilder builder)
    {
        if (IsHostedByFunctions)
        {
            builder.WebHost.UseUrls($"http://127.0.0.1:{Environment.GetEnvironmentVariable(CustomHandlerPortVariable)}");
            HostedLogging.Configure(builder.Logging);
        }
        else
        {
            if (LocalSettings.Find(Directory.GetCurrentDirectory()) is { } settingsFile)
            {
                // Lowest precedence: environment variables and the command line override the file.
                builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = LocalSettings.Read(settingsFile) });
                builder.Configuration["LocalSettings:Path"] = settingsFile;
            }

            if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
            {
                builder.WebHost.UseUrls(LocalUrl);
            }

            builder.Services.AddPlayground(PlaygroundOptions.Configure(builder.Configuration, LocalUrl));
        }

        var services = builder.Services;
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, HostJsonContext.Default));
        services.AddSingleton(TimeProvider.System);
        services.AddTelemetry(builder.Configuration);
        services.AddChannels(builder.Configuration, IsHostedByFunctions);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, Core.Channels.ChannelJsonContext.Default));
        services.AddOpenApi(Admin.ChannelAdminEndpoints.DocumentName);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, OperatorConsole.ConsoleApiJsonContext.Default));
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, OperatorConsole.ConsoleReportJsonContext.Default));
        services.AddSingleton<RejectedEventLog>();
        services.AddSingleton<WebhookIntake>();
        services.AddEnquiries(builder.Configuration, IsHostedByFunctions);
        services.AddTranslation(builder.Configuration);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, Core.Enquiries.EnquiryApiJsonContext.Default));
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, Core.Transformers.TransformerJsonContext.Default));
        services.AddPrivacy(builder.Configuration, IsHostedByFunctions);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, Privacy.PrivacyJsonContext.Default));
        services.AddSingleton(sp => new MediaFetcher(new MediaFetchOptions(), sp.GetRequiredService<TimeProvider>()));
        // With a media store, AAC in ADTS is remuxed to M4A and served from it; without, it is refused naming the conversion.
        if (MediaStoreSettings.IsConfigured(builder.Configuration))
        {
            services.AddSingleton<IMediaStore>(sp => MediaStoreSettings.CreateStore(builder.Configuration, sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton(sp => new AudioRemux(sp.GetRequiredService<MediaFetcher>(), sp.GetRequiredService<IMediaStore>()));
            services.AddSingleton<IOutboundPolicy>(sp => new OutboundPolicy(sp.GetRequiredService<MediaFetcher>(), sp.GetRequiredService<AudioRemux>()));
        }
        else
        {
            services.AddSingleton<IOutboundPolicy, OutboundPolicy>();
        }

        services.AddLineDelivery(builder.Configuration);
        services.AddLineExtras();
        services.AddCost(builder.Configuration);
        // Table Storage when configured (under the host, CreateStore says what is missing); in local mode the local store otherwise.
        if (TableStorageSettings.IsConfigured(builder.Configuration) || IsHostedByFunctions)
        {
            services.AddSingleton<ITableStore>(TableStorageSettings.CreateStore(builder.Configuration));
        }
        else
        {
            services.AddSingleton<ITableStore>(sp => new SqliteTableStore(sp.GetRequiredService<LocalDatabase>(), sp.GetRequiredService<TimeProvider>()));
        }

        if (IsHostedByFunctions)
        {
            AddServiceBus(services, builder.Configuration);
        }
        else
        {
            AddLocalQueues(services, builder.Configuration);
        }
    }

    /// <summary>Local mode's queues, in the local store (one SQLite file, <see cref="LocalStoreOptions"/>) with the tables unless Table Storage is configured.</summary>
    private static void AddLocalQueues(IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<LocalStoreOptions>(configuration.GetSection(LocalStoreOptions.Section));
        services.Configure<LocalQueueOptions>(configuration.GetSection(LocalQueueOptions.Section));
        services.AddSingleton(sp => LocalDatabase.Open(sp.GetRequiredService<IOptions<LocalStoreOptions>>().Value.Path, owner: true));
        services.AddSingleton<LocalQueueStore>();
        services.AddSingleton<InProcessQueue>();
        services.AddSingleton<IQueueSender>(sp => sp.GetRequiredService<InProcessQueue>());
        services.AddSingleton<DeadLetters.IDeadLetterQueues, DeadLetters.LocalDeadLetterQueues>();
        services.AddHostedService<InProcessQueuePump>();
        services.AddHostedService<LocalStoreMaintenance>();
        services.AddHostedService<LocalStoreCheckpoints>();
    }

    private static void AddServiceBus(IServiceCollection services, IConfiguration configuration)
    {
        var connection = configuration.GetSection(ServiceBusSection);
        var fullyQualifiedNamespace = connection["fullyQualifiedNamespace"];
        if (string.IsNullOrEmpty(fullyQualifiedNamespace))
        {
            throw new InvalidOperationException(
                $"App setting '{ServiceBusSection}__fullyQualifiedNamespace' is missing: set it to the Service Bus namespace, e.g. contoso.servicebus.windows.net.");
        }

        var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = connection["clientId"] });
        // One client (one AMQP connection) for every send; the container disposes it, closing its senders.
        services.AddSingleton(_ => new ServiceBusClient(fullyQualifiedNamespace, credential, ServiceBusClientOptions()));
        services.AddSingleton<IQueueSender, ServiceBusQueueSender>();
        services.AddSingleton<DeadLetters.IDeadLetterQueues, DeadLetters.ServiceBusDeadLetterQueues>();
    }

    private static ServiceBusClientOptions ServiceBusClientOptions() => new()
    {
        TransportType = ServiceBusTransportType.AmqpTcp,
        RetryOptions =
        {
            Mode = ServiceBusRetryMode.Exponential,
            MaxRetries = 3,
            Delay = TimeSpan.FromMilliseconds(100),
            MaxDelay = TimeSpan.FromSeconds(2),
            // LINE waits 1-2 s for the webhook's answer: a try that hangs longer is given up and tried again.
            TryTimeout = TimeSpan.FromSeconds(5),
        },
    };
}
