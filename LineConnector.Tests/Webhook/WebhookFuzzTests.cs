using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using LineConnector.Core.Destinations;
using LineConnector.Core.Line;
using LineConnector.Functions.LocalMode;
using LineConnector.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace LineConnector.Tests.Webhook;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WebhookFuzzCollection
{
    /// <summary>Run alone, so that its time and memory are its own.</summary>
    public const string Name = "webhook fuzzer";
}

/// <summary>
/// The webhook fuzzer (issue 11): signed mutations of LINE's own webhook bodies go through the real
/// endpoint of the connector in local mode, whose destination and LINE are local servers. After each
/// mutated body, the same conversation sends a plain text message, which must reach the destination:
/// nothing a body holds may poison a user. No answer may be 5xx, no queued message may end dead-lettered,
/// and memory stays bounded. CI runs 5,000 cases; <c>scripts/fuzz-webhook.sh</c> runs 100,000
/// (<c>LINECONNECTOR_FUZZ_WEBHOOK_CASES</c>, <c>LINECONNECTOR_FUZZ_WEBHOOK_SEED</c>).
/// </summary>
[Collection(WebhookFuzzCollection.Name)]
public sealed class WebhookFuzzTests(ITestOutputHelper output)
{
    public const string CasesVariable = "LINECONNECTOR_FUZZ_WEBHOOK_CASES";
    public const string SeedVariable = "LINECONNECTOR_FUZZ_WEBHOOK_SEED";
    private const int CiCases = 5_000;
    private const int DefaultSeed = 20_261_121;

    /// <summary>Cases between two checks that every plain message was delivered.</summary>
    private const int Round = 50;

    /// <summary>
    /// Memory each case may leave behind once collected: local mode's in-memory store keeps the rows of
    /// each conversation (its source, its enquiry, a record of each event with its notes) and of each
    /// rejected event, and the queue its recent message ids: about 5 KB a case over 5,000 cases. A body
    /// (up to 1 MB) or its messages kept per case would exceed it at once.
    /// </summary>
    private const long RetainedBytesPerCase = 8 * 1024;

    /// <summary>What the heap may hold at any check over what the cases retain: the bodies in flight and their copies.</summary>
    private const long PeakHeadroomBytes = 64L * 1024 * 1024;

    [Fact]
    public async Task Signed_mutations_of_LINE_bodies_get_no_5xx_poison_no_user_and_keep_memory_bounded()
    {
        var cases = Setting(CasesVariable, CiCases);
        var seed = Setting(SeedVariable, DefaultSeed);
        await using var endpoints = await FuzzEndpoints.StartAsync();
        await using var app = new ConnectorApp(settings: endpoints.Settings);
        var client = app.CreateClient();
        var queue = app.Services.GetRequiredService<InProcessQueue>();
        var mutator = new WebhookMutator(seed);
        var statuses = new SortedDictionary<int, int>();
        var plain = new List<(int Case, string EventId, string Mutations)>();
        // JIT, caches and pools settle first; what is retained is measured after them.
        var warmUp = Math.Min(cases / 5, 500);
        long baseline = 0, peak = 0;
        var clock = Stopwatch.StartNew();

        for (var n = 0; n < cases; n++)
        {
            var conversation = mutator.NextConversation();
            var (body, mutations) = mutator.Next(n, conversation);
            var status = (int)(await PostAsync(client, body)).StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            status.Should().BeLessThan(500, $"case {n} of seed {seed} ({mutations}) got {status} for {Excerpt(body)}");

            var eventId = $"01PLAIN{n:D19}";
            var normal = Encoding.UTF8.GetBytes(WebhookJson.Body(WebhookMutator.NormalEvent(conversation, eventId)));
            (await PostAsync(client, normal)).StatusCode.Should().Be(HttpStatusCode.OK);
            plain.Add((n, eventId, mutations));

            if ((n + 1) % Round != 0 && n != cases - 1)
            {
                continue;
            }

            await queue.WhenIdleAsync().WaitAsync(TimeSpan.FromMinutes(2));
            var lost = plain.Where(p => !endpoints.Delivered.ContainsKey(p.EventId)).ToList();
            lost.Should().BeEmpty($"a plain message after each mutated body must reach the destination (seed {seed}); the first lost came after case {lost.FirstOrDefault().Case}: {lost.FirstOrDefault().Mutations}");
            plain.Clear();
            (await queue.DeadLettersAsync()).Should().BeEmpty($"no queued event may fail for good (seed {seed}, up to case {n})");
            peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false));
            if (n + 1 == warmUp)
            {
                baseline = GC.GetTotalMemory(forceFullCollection: true);
                peak = baseline;
            }
        }

        var retained = GC.GetTotalMemory(forceFullCollection: true) - baseline;
        var measured = cases - warmUp;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{cases:N0} cases (seed {seed}) in {clock.Elapsed.TotalSeconds:F1} s ({cases / clock.Elapsed.TotalSeconds:F0} cases/s); answers: {string.Join(", ", statuses.Select(s => $"{s.Key} x{s.Value:N0}"))}; " +
            $"plain messages delivered: {endpoints.Delivered.Count:N0}; retained after warm-up: {retained / 1024.0 / 1024:F1} MB ({retained / Math.Max(1, measured) / 1024.0:F1} KB a case); peak heap over baseline: {(peak - baseline) / 1024.0 / 1024:F1} MB; peak working set of the test process: {Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024:F0} MB"));
        retained.Should().BeLessThanOrEqualTo(RetainedBytesPerCase * measured, "what each case leaves behind is bounded");
        (peak - baseline).Should().BeLessThanOrEqualTo(PeakHeadroomBytes + (RetainedBytesPerCase * measured), "no body makes the heap balloon");
    }

    private static int Setting(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/line/" + ConnectorApp.ChannelId) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(LineSignature.HeaderName, LineSignature.Compute(body, ConnectorApp.Secret));
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private static string Excerpt(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body);
        return text.Length <= 2000 ? text : text[..2000] + $"... ({body.Length} bytes)";
    }

    /// <summary>
    /// The channel's destination (<c>/desk</c>, which notes the delivery id of each event it receives) and
    /// LINE's Messaging API (reply and push succeed), on one local server that keeps nothing else.
    /// </summary>
    private sealed class FuzzEndpoints : IAsyncDisposable
    {
        private const string DeskSecret = "fuzz-desk-destination-secret";
        private readonly WebApplication _app;
        private int _nextMessageId;

        private FuzzEndpoints(WebApplication app) => _app = app;

        public ConcurrentDictionary<string, byte> Delivered { get; } = new(StringComparer.Ordinal);

        public IReadOnlyDictionary<string, string?> Settings { get; private set; } = new Dictionary<string, string?>();

        public static async Task<FuzzEndpoints> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var endpoints = new FuzzEndpoints(app);
            app.Run(endpoints.AnswerAsync);
            await app.StartAsync();
            var address = new Uri(app.Urls.First().TrimEnd('/') + "/");
            endpoints.Settings = new Dictionary<string, string?>
            {
                ["Line:ApiBaseUrl"] = address.ToString(),
                ["Line:DataApiBaseUrl"] = address.ToString(),
                [$"Channels:{ConnectorApp.ChannelId}:ChannelAccessToken"] = "fuzz-channel-access-token",
                [$"Channels:{ConnectorApp.ChannelId}:Destinations:desk:WebhookUrl"] = new Uri(address, "desk").ToString(),
                [$"Channels:{ConnectorApp.ChannelId}:Destinations:desk:Secret"] = DeskSecret,

                // A line per event handled would be most of the memory the run holds: errors only.
                ["Logging:LogLevel:Default"] = "Error",
            };
            return endpoints;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        private async Task AnswerAsync(HttpContext context)
        {
            var path = context.Request.Path.Value ?? "";
            if (path == "/desk")
            {
                if (context.Request.Headers[DestinationSignature.DeliveryIdHeader].ToString() is { Length: > 0 } id)
                {
                    Delivered.TryAdd(id, 0);
                }

                context.Response.StatusCode = 200;
                return;
            }

            if (path is "/v2/bot/message/reply" or "/v2/bot/message/push")
            {
                using var request = await JsonDocument.ParseAsync(context.Request.Body);
                var ids = Enumerable.Range(0, request.RootElement.GetProperty("messages").GetArrayLength())
                    .Select(_ => $"{{\"id\":\"{Interlocked.Increment(ref _nextMessageId)}\"}}");
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync($"{{\"sentMessages\":[{string.Join(',', ids)}]}}");
                return;
            }

            context.Response.StatusCode = 404;
        }
    }
}
