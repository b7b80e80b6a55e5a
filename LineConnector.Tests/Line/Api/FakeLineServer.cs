using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LineConnector.Tests.Line.Api;

/// <summary>What the fake LINE server answers to one request.</summary>
public sealed record FakeReply(int Status, string? Json = null)
{
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Wait this long before answering (a hung LINE).</summary>
    public TimeSpan Delay { get; init; }

    public string? ContentType { get; init; }

    public static FakeReply Error(int status, string message, string? requestId = null) =>
        new(status, JsonSerializer.Serialize(new Dictionary<string, string> { ["message"] = message }))
        {
            Headers = requestId is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["X-Line-Request-Id"] = requestId },
        };
}

/// <summary>A request the fake LINE server received.</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body, DateTimeOffset At)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}

/// <summary>
/// A real HTTP server on a loopback port standing in for LINE's APIs. Each endpoint answers from its
/// script in order (the last answer repeats); unscripted reply and push succeed with one sent message
/// id per message object, read receipts and loading animations succeed; anything else is 404.
/// </summary>
public sealed class FakeLineServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<FakeReply>> _scripts = new();
    private readonly ConcurrentDictionary<string, FakeReply> _lastReplies = new();
    private int _nextMessageId;

    private FakeLineServer(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public static async Task<FakeLineServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeLineServer? server = null;
        app.Run(context => server!.HandleAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new FakeLineServer(app, new Uri(address + "/"));
        return server;
    }

    /// <summary>Answers requests to <paramref name="method"/> <paramref name="path"/> with these replies in order; the last one repeats.</summary>
    public void Script(string method, string path, params FakeReply[] replies)
    {
        _scripts[Key(method, path)] = new ConcurrentQueue<FakeReply>(replies);
        _lastReplies.TryRemove(Key(method, path), out _);
    }

    public IReadOnlyList<RecordedRequest> RequestsTo(string path) => [.. _requests.Where(r => r.Path == path)];

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var recorded = new RecordedRequest(
            request.Method,
            request.Path.Value ?? "",
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body,
            DateTimeOffset.UtcNow);
        _requests.Enqueue(recorded);

        var reply = NextReply(recorded);
        if (reply.Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(reply.Delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        var response = context.Response;
        response.StatusCode = reply.Status;
        foreach (var (name, value) in reply.Headers)
        {
            response.Headers[name] = value;
        }

        if (reply.Json is not null)
        {
            response.ContentType = reply.ContentType ?? "application/json";
            await response.WriteAsync(reply.Json, context.RequestAborted);
        }
    }

    private FakeReply NextReply(RecordedRequest request)
    {
        var key = Key(request.Method, request.Path);
        if (_scripts.TryGetValue(key, out var script))
        {
            if (script.TryDequeue(out var next))
            {
                _lastReplies[key] = next;
                return next;
            }

            if (_lastReplies.TryGetValue(key, out var last))
            {
                return last;
            }
        }

        if (request.Method == "POST" && request.Path.EndsWith("/v2/bot/message/reply", StringComparison.Ordinal)
            || request.Method == "POST" && request.Path.EndsWith("/v2/bot/message/push", StringComparison.Ordinal))
        {
            var count = request.Json.GetProperty("messages").GetArrayLength();
            var ids = Enumerable.Range(0, count).Select(_ => $"{{\"id\":\"{Interlocked.Increment(ref _nextMessageId)}\"}}");
            return new FakeReply(200, $"{{\"sentMessages\":[{string.Join(',', ids)}]}}")
            {
                Headers = new Dictionary<string, string> { ["X-Line-Request-Id"] = Guid.NewGuid().ToString() },
            };
        }

        // Unscripted read receipts and loading animations succeed, as LINE answers them (messaging-api.yml).
        if (request.Method == "POST" && request.Path.EndsWith("/v2/bot/chat/markAsRead", StringComparison.Ordinal))
        {
            return new FakeReply(200, "{}");
        }

        if (request.Method == "POST" && request.Path.EndsWith("/v2/bot/chat/loading/start", StringComparison.Ordinal))
        {
            return new FakeReply(202, "{}");
        }

        return FakeReply.Error(404, "Not found");
    }

    private static string Key(string method, string path) => method + " " + path;
}

/// <summary>Channel credentials that hand out one long-lived token for every channel and count the calls.</summary>
public sealed class StaticTokens(string token) : LineConnector.Core.Line.Api.IChannelCredentials
{
    private int _calls;

    public int Calls => _calls;

    public ValueTask<LineConnector.Core.Line.Api.LineCredential> GetAsync(string channelId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return ValueTask.FromResult(LineConnector.Core.Line.Api.LineCredential.LongLived(token));
    }
}
