using LineConnector.Core.Channels;
using LineConnector.Core.Queueing;
using LineConnector.Functions.LocalMode;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace LineConnector.Tests.Support;

/// <summary>
/// The function app in local mode on a test server, with test channels from configuration,
/// every log line captured, and optionally a replaced queue sender or channel source.
/// </summary>
public sealed class ConnectorApp : WebApplicationFactory<Program>
{
    public const string ChannelId = "shop";
    public const string Secret = "shop-channel-secret-0123456789";

    private readonly Action<IServiceCollection>? _services;
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly bool _withShopChannel;

    /// <summary>The app with the test channel <see cref="ChannelId"/>.</summary>
    public ConnectorApp(Action<IServiceCollection>? services = null, IReadOnlyDictionary<string, string?>? settings = null)
        : this(services, settings, withShopChannel: true)
    {
    }

    private ConnectorApp(Action<IServiceCollection>? services, IReadOnlyDictionary<string, string?>? settings, bool withShopChannel)
    {
        _services = services;
        _settings = settings ?? new Dictionary<string, string?>();
        _withShopChannel = withShopChannel;
    }

    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>The app with no test channel and LINE's API at <paramref name="lineBaseUrl"/> (a fake LINE).</summary>
    public static ConnectorApp ForLine(Uri lineBaseUrl, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>()) { ["Line:ApiBaseUrl"] = lineBaseUrl.ToString() };
        return new ConnectorApp(services, all, withShopChannel: false);
    }

    public static ConnectorApp WithQueue(IQueueSender queue, IReadOnlyDictionary<string, string?>? settings = null) =>
        new(s => s.Replace(ServiceDescriptor.Singleton(queue)), settings);

    public static ConnectorApp WithChannels(IWebhookChannelSource channels, IQueueSender queue) =>
        new(s =>
        {
            s.Replace(ServiceDescriptor.Singleton(queue));
            s.Replace(ServiceDescriptor.Singleton(channels));
        });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        if (_withShopChannel)
        {
            // A minimal valid channel, declared the way local mode reads channels.
            builder.UseSetting($"Channels:{ChannelId}:ChannelSecret", Secret);
            builder.UseSetting($"Channels:{ChannelId}:Name", "Shop");
            builder.UseSetting($"Channels:{ChannelId}:Status", "active");
            builder.UseSetting($"Channels:{ChannelId}:TimeZone", "Asia/Tokyo");
            builder.UseSetting($"Channels:{ChannelId}:RoutingRule", "alternative");
            builder.UseSetting($"Channels:{ChannelId}:Destinations:desk:Kind", "staff");
            builder.UseSetting($"Channels:{ChannelId}:Destinations:desk:Transport", "https-webhook");
            builder.UseSetting($"Channels:{ChannelId}:Destinations:desk:WebhookUrl", "https://desk.example.com/line");
            builder.UseSetting($"Channels:{ChannelId}:Routing:alternative-01:Destination", "desk");
        }

        builder.UseSetting("LocalQueue:RetryDelay", "00:00:00.010");
        // Each app its own store: tests run side by side in one working directory.
        builder.UseSetting("LocalStore:Path", LocalStoreOptions.InMemory);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        builder.ConfigureTestServices(services => _services?.Invoke(services));
    }
}
