using System.Text.Json;

namespace LineConnector.Functions.Hosting;

/// <summary>
/// Logging under the Functions host. The host records each line the handler writes to its standard
/// output as one Application Insights trace (category Host.Function.Console, level Information), so
/// every entry is written as one line of JSON: its level, category, message, fields and exception stay
/// together and can be queried (docs/operations.md).
/// </summary>
public static class HostedLogging
{
    public static void Configure(ILoggingBuilder logging)
    {
        logging.AddJsonConsole(options =>
        {
            options.JsonWriterOptions = new JsonWriterOptions { Indented = false };
            options.UseUtcTimestamp = true;
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });

        // The host already records every request and invocation; ASP.NET Core's per-request lines would repeat them.
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
    }
}
