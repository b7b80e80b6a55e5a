using System.Text.Json;
using LineConnector.Functions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace LineConnector.Tests.Hosting;

public sealed class HostedLoggingTests
{
    [Fact]
    public void Each_entry_is_one_line_of_json_with_its_level_category_fields_and_exception()
    {
        using var services = HostedServices();
        var formatterName = services.GetRequiredService<IOptions<ConsoleLoggerOptions>>().Value.FormatterName;
        var formatter = services.GetServices<ConsoleFormatter>().Single(f => f.Name == formatterName);
        List<KeyValuePair<string, object?>> state = [new("ChannelId", "acme"), new("{OriginalFormat}", "Webhook for channel {ChannelId} failed")];
        var entry = new LogEntry<List<KeyValuePair<string, object?>>>(
            LogLevel.Error, "LineConnector.Webhook", new EventId(7), state, new InvalidOperationException("first line\nsecond line"), (_, _) => "Webhook for channel acme failed");
        using var output = new StringWriter();

        formatter.Write(in entry, scopeProvider: null, output);

        var line = output.ToString().TrimEnd('\r', '\n');
        line.Should().NotContain("\n", "the Functions host makes one trace of each line");
        using var json = JsonDocument.Parse(line);
        json.RootElement.GetProperty("LogLevel").GetString().Should().Be("Error");
        json.RootElement.GetProperty("Category").GetString().Should().Be("LineConnector.Webhook");
        json.RootElement.GetProperty("Message").GetString().Should().Be("Webhook for channel acme failed");
        json.RootElement.GetProperty("Exception").GetString().Should().Contain("first line\nsecond line");
        json.RootElement.GetProperty("State").GetProperty("ChannelId").GetString().Should().Be("acme");
        json.RootElement.GetProperty("Timestamp").GetString().Should().EndWith("Z");
    }

    [Fact]
    public void Asp_net_core_per_request_lines_are_left_to_the_host()
    {
        using var services = HostedServices();
        var loggers = services.GetRequiredService<ILoggerFactory>();

        loggers.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics").IsEnabled(LogLevel.Information).Should().BeFalse();
        loggers.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics").IsEnabled(LogLevel.Warning).Should().BeTrue();
        loggers.CreateLogger("LineConnector.Webhook").IsEnabled(LogLevel.Information).Should().BeTrue();
    }

    private static ServiceProvider HostedServices()
    {
        var services = new ServiceCollection();
        services.AddLogging(HostedLogging.Configure);
        return services.BuildServiceProvider();
    }
}
