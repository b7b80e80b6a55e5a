using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LineConnector.Core.Destinations;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Inbound;
using LineConnector.Core.Line;
using LineConnector.Core.Outbound;
using LineConnector.Core.Queueing;
using LineConnector.Functions.LocalMode;
using LineConnector.Tests.Line.Api;
using LineConnector.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LineConnector.Tests.Enquiries;

/// <summary>
/// The connector in local mode with everything around it real: a destination web server the test
/// scripts (staff desk <c>desk</c>, then bot <c>backup</c>, alternative routing), a fake LINE for the
/// outbound side, and the in-process queue with every send recorded.
/// </summary>
public sealed class EnquiryWorld : IAsyncDisposable
{
    public const string Channel = ConnectorApp.ChannelId;
    public const string DeskSecret = "desk-destination-secret-5f2a91";
    public const string BackupSecret = "backup-destination-secret-c81d07";
    public const string AccessToken = "shop-channel-access-token-77e0b3";
    public const string CustomInfo = "Check the order number first.";

    private readonly ConcurrentDictionary<string, ConcurrentQueue<int>> _answers = new();
    private readonly ConcurrentDictionary<string, Func<DestinationMessage, Task<int>>> _answerers = new();

    private EnquiryWorld()
    {
    }

    public TestHttpServer Destinations { get; private set; } = null!;

    public FakeLineServer Line { get; private set; } = null!;

    public ConnectorApp App { get; private set; } = null!;

    public RecordingQueue Queue { get; } = new();

    public HttpClient Client { get; private set; } = null!;

    /// <param name="services">More changes to the app's services (e.g. telemetry exporters).</param>
    /// <param name="deskPath">The desk's webhook path and query on the destination server.</param>
    /// <param name="configure">More settings that need the world's servers (e.g. another destination's URL).</param>
    public static async Task<EnquiryWorld> StartAsync(
        IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null, string deskPath = "desk", Action<EnquiryWorld, Dictionary<string, string?>>? configure = null)
    {
        var world = new EnquiryWorld();
        world.Destinations = await TestHttpServer.StartAsync(world.AnswerAsync);
        world.Line = await FakeLineServer.StartAsync();
        var all = new Dictionary<string, string?>
        {
            ["Line:ApiBaseUrl"] = world.Line.BaseUrl.ToString(),
            ["Line:DataApiBaseUrl"] = world.Line.BaseUrl.ToString(),
            [$"Channels:{Channel}:ChannelAccessToken"] = AccessToken,
            [$"Channels:{Channel}:CustomInfo"] = CustomInfo,
            [$"Channels:{Channel}:WelcomeMessageEnabled"] = "true",
            [$"Channels:{Channel}:AwayMessageEnabled"] = "true",
            [$"Channels:{Channel}:CloseMessageEnabled"] = "true",
            [$"Channels:{Channel}:CloseMessageText"] = "Thank you. {staff} closed this enquiry.",
            [$"Channels:{Channel}:StaffNameFormat"] = "first",
            [$"Channels:{Channel}:Destinations:desk:Kind"] = "staff",
            [$"Channels:{Channel}:Destinations:desk:WebhookUrl"] = new Uri(world.Destinations.BaseAddress, deskPath).ToString(),
            [$"Channels:{Channel}:Destinations:desk:Secret"] = DeskSecret,
            [$"Channels:{Channel}:Destinations:backup:Kind"] = "bot",
            [$"Channels:{Channel}:Destinations:backup:Transport"] = "https-webhook",
            [$"Channels:{Channel}:Destinations:backup:WebhookUrl"] = new Uri(world.Destinations.BaseAddress, "backup").ToString(),
            [$"Channels:{Channel}:Destinations:backup:Secret"] = BackupSecret,
            [$"Channels:{Channel}:Routing:alternative-02:Destination"] = "backup",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        configure?.Invoke(world, all);

        world.App = new ConnectorApp(
            app =>
            {
                app.Replace(ServiceDescriptor.Singleton<IQueueSender>(sp => world.Queue.Around(sp.GetRequiredService<InProcessQueue>())));
                services?.Invoke(app);
            },
            all);
        world.Client = world.App.CreateClient();
        return world;
    }

    /// <summary>Makes destination <paramref name="path"/> answer these statuses in turn (the last repeats); 200 when none is set.</summary>
    public void Answer(string path, params int[] statuses) => _answers[path] = new ConcurrentQueue<int>(statuses);

    public static string User(int n) => "U" + n.ToString("x32", System.Globalization.CultureInfo.InvariantCulture);

    public static string Group(int n) => "C" + n.ToString("x32", System.Globalization.CultureInfo.InvariantCulture);

    public static string Text(string userId, string eventId, string text = "Hello", string mode = "active") =>
        WebhookJson.TextMessage(userId, eventId, text, replyToken: "reply-" + eventId, mode: mode);

    /// <summary>A user's image, video, audio or file message event; <paramref name="provider"/> null leaves out <c>contentProvider</c> (as for files).</summary>
    public static string ContentMessage(string userId, string eventId, string kind, string messageId, string? provider = "line")
    {
        var contentProvider = provider is null ? "" : $$""","contentProvider":{"type":"{{provider}}"}""";
        var duration = kind is "video" or "audio" ? ",\"duration\":60000" : "";
        return $$"""{"type":"message","message":{"type":"{{kind}}","id":"{{messageId}}"{{contentProvider}}{{duration}}},"webhookEventId":"{{eventId}}","deliveryContext":{"isRedelivery":false},"timestamp":1692251666727,"source":{"type":"user","userId":"{{userId}}"},"replyToken":"reply-{{eventId}}","mode":"active"}""";
    }

    public async Task PostWebhookAsync(params string[] events)
    {
        var body = WebhookJson.Body(events);
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/line/{Channel}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(LineSignature.HeaderName, WebhookJson.Sign(body, ConnectorApp.Secret));
        (await Client.SendAsync(request)).StatusCode.Should().Be(HttpStatusCode.OK);
        await IdleAsync();
    }

    /// <summary>Waits until no queued message is waiting or being handled (scheduled checks not yet due do not count).</summary>
    public Task IdleAsync() => App.Services.GetRequiredService<InProcessQueue>().WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));

    public async Task<T> EventuallyAsync<T>(Func<T?> probe, string what)
        where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (probe() is { } found)
            {
                await IdleAsync();
                return found;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Still waiting for {what}.");
    }

    public IReadOnlyList<OutboundRequest> Outbound() =>
        Queue.Sent.Where(s => s.Queue == QueueNames.Outbound).Select(s => OutboundRequest.TryParse(Encoding.UTF8.GetString(s.Message.Body.Span), out var r, out _) ? r! : throw new InvalidOperationException("not an outbound message")).ToList();

    public static IReadOnlyList<string> Texts(OutboundRequest request) =>
        request.Messages.EnumerateArray().Select(m => m.GetProperty("text").GetString()!).ToList();

    /// <summary>What destination <paramref name="path"/> received, read as the connector's JSON.</summary>
    public IReadOnlyList<(DestinationMessage Message, Support.RecordedRequest Request)> Received(string path) =>
        Destinations.Requests.Where(r => r.PathAndQuery == "/" + path)
            .Select(r => (JsonSerializer.Deserialize(r.Body, DestinationJsonContext.Default.DestinationMessage)!, r)).ToList();

    public async Task<HttpResponseMessage> CallAsync(HttpMethod method, string path, string? secret, string? json = null, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (secret is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await Client.SendAsync(request);
    }

    public async Task<EnquiryResource> EnquiryAsync(string id, string secret = DeskSecret)
    {
        var response = await CallAsync(HttpMethod.Get, $"/api/enquiries/{id}", secret);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync(EnquiryApiJsonContext.Default.EnquiryResource))!;
    }

    /// <summary>Row kinds of the conversations table, for <see cref="RowsAsync"/>.</summary>
    public const string Enquiries = "enquiry:";
    public const string Sources = "source:";
    public const string Events = "event:";
    public const string Content = "content:";
    public const string Kept = "kept:";

    /// <summary>The channel's rows of one kind, from all its partitions, with the kind's prefix taken off their row keys.</summary>
    public async Task<IReadOnlyList<Core.Storage.TableRow>> RowsAsync(string kind)
    {
        var store = App.Services.GetRequiredService<Core.Storage.ITableStore>();
        var rows = new List<Core.Storage.TableRow>();
        await foreach (var row in store.QueryAsync(EnquiryTables.Conversations, EnquiryTables.Channel(Channel), Core.Storage.TableKeyRange.StartingWith(kind), default))
        {
            rows.Add(row with { RowKey = row.RowKey[kind.Length..] });
        }

        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        await Line.DisposeAsync();
        await Destinations.DisposeAsync();
    }

    /// <summary>Makes destination <paramref name="path"/> answer through <paramref name="answer"/> (it may call the connector before it answers).</summary>
    public void Answer(string path, Func<DestinationMessage, Task<int>> answer) => _answerers[path] = answer;

    private async Task AnswerAsync(Support.RecordedRequest request, HttpContext context)
    {
        var status = 200;
        if (_answerers.TryGetValue(request.PathAndQuery.TrimStart('/'), out var answerer))
        {
            status = await answerer(JsonSerializer.Deserialize(request.Body, DestinationJsonContext.Default.DestinationMessage)!);
        }
        else if (_answers.TryGetValue(request.PathAndQuery.TrimStart('/'), out var answers))
        {
            status = answers.Count > 1 && answers.TryDequeue(out var next) ? next : answers.TryPeek(out var last) ? last : 200;
        }

        context.Response.StatusCode = status;
    }

    /// <summary>Records every send and passes it on; can be told to fail one send to a queue.</summary>
    public sealed class RecordingQueue
    {
        private readonly ConcurrentDictionary<string, int> _sendsBeforeFailure = new();

        public ConcurrentQueue<(string Queue, QueueMessage Message)> Sent { get; } = new();

        /// <summary>Lets <paramref name="passing"/> more sends to <paramref name="queue"/> through, then fails one.</summary>
        public void FailOnce(string queue, int passing) => _sendsBeforeFailure[queue] = passing;

        public IQueueSender Around(IQueueSender inner) => new Sender(this, inner);

        private sealed class Sender(RecordingQueue recording, IQueueSender inner) : IQueueSender
        {
            public Task SendAsync(string queueName, IReadOnlyList<QueueMessage> messages, CancellationToken cancellationToken)
            {
                if (recording._sendsBeforeFailure.TryGetValue(queueName, out var passing) && recording._sendsBeforeFailure.TryUpdate(queueName, passing - 1, passing) && passing == 0)
                {
                    recording._sendsBeforeFailure.TryRemove(queueName, out _);
                    throw new HttpRequestException($"Service Bus is unavailable for {queueName} (test).");
                }

                foreach (var message in messages)
                {
                    recording.Sent.Enqueue((queueName, message));
                }

                return inner.SendAsync(queueName, messages, cancellationToken);
            }
        }
    }
}
