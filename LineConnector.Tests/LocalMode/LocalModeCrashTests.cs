using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using LineConnector.Core.Destinations;
using LineConnector.Core.Line;
using LineConnector.Tests.Support;
using Xunit.Abstractions;

namespace LineConnector.Tests.LocalMode;

/// <summary>
/// Local mode killed with SIGKILL while events stream in, and started again on the same store: every event
/// the webhook answered 200 reaches the destination, in order per user, and a repeat carries the delivery id
/// of its first delivery. The senders behave as LINE does: an event not answered 200 is sent again until it is.
/// CI runs a small size; <c>scripts/crash-test.sh</c> runs 2,000 events from 50 users.
/// </summary>
public sealed class LocalModeCrashTests(ITestOutputHelper output)
{
    public const string EventsVariable = "LINECONNECTOR_CRASH_EVENTS";
    public const string UsersVariable = "LINECONNECTOR_CRASH_USERS";

    private const string Channel = "crash";
    private const string Secret = "crash-channel-secret-0123456789";
    private const int Senders = 10;

    [Fact]
    public async Task Every_event_answered_200_reaches_the_destination_in_order_after_a_SIGKILL_and_a_restart()
    {
        var total = Setting(EventsVariable, 300);
        var users = Setting(UsersVariable, 50);
        using var folder = new TemporaryFolder();
        var arrivals = new ConcurrentQueue<(string EventId, string User, int Sequence, string DeliveryId)>();
        await using var destination = await TestHttpServer.StartAsync((request, context) =>
        {
            using var message = JsonDocument.Parse(request.Body);
            var webhookEvent = message.RootElement.GetProperty("event");
            arrivals.Enqueue((
                webhookEvent.GetProperty("webhookEventId").GetString()!,
                webhookEvent.GetProperty("source").GetProperty("userId").GetString()!,
                int.Parse(webhookEvent.GetProperty("message").GetProperty("text").GetString()!, CultureInfo.InvariantCulture),
                request.Headers[DestinationSignature.DeliveryIdHeader]));
            context.Response.StatusCode = 200;
            return Task.CompletedTask;
        });
        var settings = AppSettings(Path.Combine(folder.Path, "store", "local.db"), new Uri(destination.BaseAddress, "line"));

        // Each user's events in order; a sender takes its users in turn, one event per webhook.
        var events = Enumerable.Range(0, total).Select(i => new SentEvent($"01CRASH{i:D19}", UserId(i % users), i / users)).ToList();
        var accepted = new ConcurrentDictionary<string, bool>();
        await using var first = await StartAsync(folder.Path, settings);
        var current = first;
        var clock = Stopwatch.StartNew();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        async Task SendAsync(int sender)
        {
            foreach (var sent in events.Where(e => UserIndex(e.User) % Senders == sender))
            {
                for (var attempt = 0; ; attempt++)
                {
                    if (await PostAsync(http, current.BaseAddress, sent, redelivery: attempt > 0))
                    {
                        accepted[sent.EventId] = true;
                        break;
                    }

                    await Task.Delay(20);
                }
            }
        }

        var sending = Task.WhenAll(Enumerable.Range(0, Senders).Select(s => Task.Run(() => SendAsync(s))));
        while (accepted.Count < total / 2 && !sending.IsCompleted)
        {
            await Task.Delay(5);
        }

        await first.KillAsync();
        var acceptedBeforeKill = accepted.Count;
        var arrivedBeforeKill = arrivals.Count;
        await using var restarted = await StartAsync(folder.Path, settings);
        current = restarted;
        await sending.WaitAsync(TimeSpan.FromMinutes(5));

        var deadline = Stopwatch.StartNew();
        while (arrivals.Select(a => a.EventId).Distinct().Count() < total && deadline.Elapsed < TimeSpan.FromMinutes(5))
        {
            await Task.Delay(50);
        }

        var firsts = arrivals.GroupBy(a => a.EventId).ToDictionary(g => g.Key, g => g.ToList());
        var repeats = arrivals.Count - firsts.Count;
        output.WriteLine(
            $"crash test: {total} events from {users} users; killed (SIGKILL) after {acceptedBeforeKill} were answered 200 and {arrivedBeforeKill} had reached the destination; "
            + $"after the restart all {firsts.Count} arrived, {repeats} of them twice with the same delivery id, in {clock.Elapsed.TotalSeconds:F1} s");

        accepted.Keys.Should().BeEquivalentTo(events.Select(e => e.EventId), "every event is answered 200 in the end, as LINE redelivers until it is");
        firsts.Keys.Should().BeEquivalentTo(accepted.Keys, $"every event answered 200 reaches the destination; the app's output:\n{restarted.Output}");
        firsts.Values.Where(g => g.Select(a => a.DeliveryId).Distinct().Count() > 1).Should().BeEmpty("a repeat carries the delivery id of its first delivery");
        foreach (var user in arrivals.GroupBy(a => a.User))
        {
            var order = user.Select(a => a.Sequence).Distinct().ToList();
            order.Should().BeInAscendingOrder($"{user.Key}'s events arrive in the order they were sent");
        }
    }

    private static async Task<bool> PostAsync(HttpClient http, Uri app, SentEvent sent, bool redelivery)
    {
        var redelivered = redelivery ? "true" : "false";
        var body = WebhookJson.Body(
            "{\"type\":\"message\",\"mode\":\"active\",\"timestamp\":1692251666727,"
            + $"\"source\":{{\"type\":\"user\",\"userId\":\"{sent.User}\"}},\"webhookEventId\":\"{sent.EventId}\",\"deliveryContext\":{{\"isRedelivery\":{redelivered}}},"
            + $"\"replyToken\":\"r{sent.EventId}\",\"message\":{{\"type\":\"text\",\"id\":\"{sent.EventId[7..]}\",\"quoteToken\":\"q\",\"text\":\"{sent.Sequence}\"}}}}");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(app, $"api/line/{Channel}")) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(LineSignature.HeaderName, WebhookJson.Sign(body, Secret));
        try
        {
            using var response = await http.SendAsync(request);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // The app is down: LINE would send the event again.
            return false;
        }
    }

    private static Task<LocalModeProcess> StartAsync(string workingDirectory, IReadOnlyDictionary<string, string> settings) =>
        LocalModeProcess.StartAsync(workingDirectory, settings, async (http, app) =>
        {
            var body = WebhookJson.Body();
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(app, $"api/line/{Channel}")) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add(LineSignature.HeaderName, WebhookJson.Sign(body, Secret));
            using var response = await http.SendAsync(request);
            return response.StatusCode == HttpStatusCode.OK;
        });

    /// <summary>An active channel whose one bot destination is the test's server (http:// on loopback: local mode only); no auto-messages, so nothing goes to LINE.</summary>
    private static Dictionary<string, string> AppSettings(string storePath, Uri destination) => new()
    {
        ["LocalStore__Path"] = storePath,
        ["LocalQueue__RetryDelay"] = "00:00:00.050",
        ["Logging__LogLevel__Default"] = "Warning",
        [$"Channels__{Channel}__ChannelSecret"] = Secret,
        [$"Channels__{Channel}__Name"] = "Crash test",
        [$"Channels__{Channel}__Status"] = "active",
        [$"Channels__{Channel}__TimeZone"] = "UTC",
        [$"Channels__{Channel}__RoutingRule"] = "alternative",
        [$"Channels__{Channel}__WelcomeMessageEnabled"] = "false",
        [$"Channels__{Channel}__AwayMessageEnabled"] = "false",
        [$"Channels__{Channel}__CloseMessageEnabled"] = "false",
        [$"Channels__{Channel}__Destinations__bot__Kind"] = "bot",
        [$"Channels__{Channel}__Destinations__bot__Transport"] = "https-webhook",
        [$"Channels__{Channel}__Destinations__bot__WebhookUrl"] = destination.ToString(),
        [$"Channels__{Channel}__Destinations__bot__Secret"] = "crash-destination-secret",
        [$"Channels__{Channel}__Routing__alternative-01__Destination"] = "bot",
    };

    private static string UserId(int user) => "U" + user.ToString("x32", CultureInfo.InvariantCulture);

    private static int UserIndex(string userId) => int.Parse(userId[1..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static int Setting(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;

    private sealed record SentEvent(string EventId, string User, int Sequence);
}
