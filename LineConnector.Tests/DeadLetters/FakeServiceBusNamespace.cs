using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using LineConnector.Cli.DeadLetters;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LineConnector.Tests.DeadLetters;

/// <summary>
/// A Service Bus namespace on https://127.0.0.1 (a bearer token policy refuses plain HTTP) that
/// implements the REST calls of <see cref="DeadLetterQueueClient"/> the way the service does:
/// peek-lock of the dead-letter queue head (201 with BrokerProperties, 204 when empty), delete and
/// unlock by sequence number and lock token, send with BrokerProperties (SessionId required).
/// </summary>
internal sealed class FakeServiceBusNamespace : IAsyncDisposable
{
    // One certificate for every instance: making an RSA key is the slow part of starting.
    private static readonly Lazy<X509Certificate2> Certificate = new(SelfSignedCertificate);

    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private long _nextSequenceNumber = 1;

    private FakeServiceBusNamespace(WebApplication app)
    {
        _app = app;
    }

    /// <summary>Dead-lettered messages per queue, oldest first.</summary>
    public Dictionary<string, List<Stored>> DeadLetters { get; } = [];

    /// <summary>Messages sent to each queue.</summary>
    public Dictionary<string, List<SentMessage>> Sent { get; } = [];

    public List<string> Authorizations { get; } = [];

    /// <summary>Status to answer sends with instead of 201 (e.g. 403), when set.</summary>
    public int? SendStatus { get; set; }

    public Uri Endpoint => new(_app.Urls.Single().TrimEnd('/') + "/");

    public static async Task<FakeServiceBusNamespace> StartAsync()
    {
        var certificate = Certificate.Value;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        var fake = new FakeServiceBusNamespace(app);
        app.MapPost("/{queue}/$DeadLetterQueue/messages/head", fake.LockHead);
        app.MapDelete("/{queue}/$DeadLetterQueue/messages/{sequenceNumber:long}/{lockToken}", (string queue, long sequenceNumber, string lockToken, HttpRequest request) =>
            fake.Settle(queue, sequenceNumber, lockToken, request, delete: true));
        app.MapPut("/{queue}/$DeadLetterQueue/messages/{sequenceNumber:long}/{lockToken}", (string queue, long sequenceNumber, string lockToken, HttpRequest request) =>
            fake.Settle(queue, sequenceNumber, lockToken, request, delete: false));
        app.MapPost("/{queue}/messages", fake.SendAsync);
        await app.StartAsync();
        return fake;
    }

    public DeadLetterQueueClient Client(TokenCredential credential) =>
        new(Endpoint, credential, new DeadLetterQueueClientOptions
        {
            Transport = new HttpClientTransport(new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.Thumbprint == Certificate.Value.Thumbprint,
            }),
            Retry = { MaxRetries = 0 },
        });

    public void DeadLetter(string queue, string messageId, string sessionId, DateTimeOffset enqueuedTime, string body)
    {
        lock (_gate)
        {
            if (!DeadLetters.TryGetValue(queue, out var messages))
            {
                DeadLetters[queue] = messages = [];
            }

            messages.Add(new Stored(messageId, sessionId, _nextSequenceNumber++, enqueuedTime, body));
        }
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private IResult LockHead(string queue, HttpRequest request, HttpResponse response)
    {
        Authorize(request);
        lock (_gate)
        {
            var head = DeadLetters.GetValueOrDefault(queue)?.FirstOrDefault(m => m.LockToken is null);
            if (head is null)
            {
                return Results.StatusCode(204);
            }

            head.LockToken = Guid.NewGuid().ToString();
            response.Headers["BrokerProperties"] = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["DeliveryCount"] = 10,
                ["EnqueuedTimeUtc"] = head.EnqueuedTime.ToString("r", CultureInfo.InvariantCulture),
                ["LockToken"] = head.LockToken,
                ["MessageId"] = head.MessageId,
                ["SequenceNumber"] = head.SequenceNumber,
                ["SessionId"] = head.SessionId,
                ["State"] = "Active",
            });
            response.Headers["DeadLetterReason"] = "\"MaxDeliveryCountExceeded\"";
            return Results.Text(head.Body, "application/json", statusCode: 201);
        }
    }

    private IResult Settle(string queue, long sequenceNumber, string lockToken, HttpRequest request, bool delete)
    {
        Authorize(request);
        lock (_gate)
        {
            var messages = DeadLetters.GetValueOrDefault(queue) ?? [];
            var message = messages.FirstOrDefault(m => m.SequenceNumber == sequenceNumber && m.LockToken == lockToken);
            if (message is null)
            {
                return Results.StatusCode(404);
            }

            if (delete)
            {
                messages.Remove(message);
            }
            else
            {
                message.LockToken = null;
            }

            return Results.Ok();
        }
    }

    private async Task<IResult> SendAsync(string queue, HttpRequest request)
    {
        Authorize(request);
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync();
        if (SendStatus is { } status)
        {
            return Results.StatusCode(status);
        }

        using var properties = JsonDocument.Parse(request.Headers["BrokerProperties"].ToString());
        if (!properties.RootElement.TryGetProperty("SessionId", out var sessionId))
        {
            return Results.BadRequest("The SessionId was not set on a message, and it cannot be sent to the entity.");
        }

        lock (_gate)
        {
            if (!Sent.TryGetValue(queue, out var sent))
            {
                Sent[queue] = sent = [];
            }

            sent.Add(new SentMessage(properties.RootElement.GetProperty("MessageId").GetString()!, sessionId.GetString()!, request.ContentType, body));
        }

        return Results.StatusCode(201);
    }

    private void Authorize(HttpRequest request)
    {
        lock (_gate)
        {
            Authorizations.Add(request.Headers.Authorization.ToString());
        }
    }

    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), password: null);
    }

    internal sealed class Stored(string messageId, string sessionId, long sequenceNumber, DateTimeOffset enqueuedTime, string body)
    {
        public string MessageId { get; } = messageId;
        public string SessionId { get; } = sessionId;
        public long SequenceNumber { get; } = sequenceNumber;
        public DateTimeOffset EnqueuedTime { get; } = enqueuedTime;
        public string Body { get; } = body;
        public string? LockToken { get; set; }
    }

    internal sealed record SentMessage(string MessageId, string SessionId, string? ContentType, string Body);
}
