using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;

namespace LineConnector.Tests.KeyVault;

/// <summary>
/// Key Vault's secrets REST API in memory, as the SecretClient's <see cref="HttpPipelineTransport"/>:
/// no network. Answers the bearer challenge, get (latest version), set and delete; can be switched
/// to fail with a status.
/// </summary>
internal sealed class FakeKeyVault : HttpPipelineTransport
{
    public static readonly Uri VaultUri = new("https://fake-vault.vault.azure.net/");

    private readonly ConcurrentDictionary<string, Secret> _secrets = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, int> _reads = new(StringComparer.OrdinalIgnoreCase);
    private long _version;

    public sealed record Secret(string Value, IReadOnlyDictionary<string, string> Tags, DateTimeOffset Updated);

    /// <summary>When set, every authenticated request is answered with this status (e.g. 503).</summary>
    public HttpStatusCode? FailWith { get; set; }

    /// <summary>When set, every request fails as an unreachable host does.</summary>
    public bool Unreachable { get; set; }

    public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;

    public SecretClient Client() => new(VaultUri, new FakeCredential(), new SecretClientOptions
    {
        Transport = this,
        Retry = { MaxRetries = 1, Delay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(1) },
    });

    public void Set(string name, string value, IReadOnlyDictionary<string, string>? tags = null, DateTimeOffset? updated = null) =>
        _secrets[name] = new Secret(value, tags ?? new Dictionary<string, string>(), updated ?? Now);

    public Secret? Get(string name) => _secrets.TryGetValue(name, out var s) ? s : null;

    public int Reads(string name) => _reads.GetValueOrDefault(name);

    public override Request CreateRequest() => new FakeRequest();

    public override void Process(HttpMessage message) => message.Response = Unreachable
        ? throw new RequestFailedException(0, "Connection refused (fake-vault.vault.azure.net:443)", new HttpRequestException("Connection refused"))
        : Answer(message.Request);

    public override ValueTask ProcessAsync(HttpMessage message)
    {
        Process(message);
        return ValueTask.CompletedTask;
    }

    private FakeResponse Answer(Request request)
    {
        if (!request.Headers.TryGetValue("Authorization", out _))
        {
            return new FakeResponse(HttpStatusCode.Unauthorized, null, ("WWW-Authenticate", "Bearer authorization=\"https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000\", resource=\"https://vault.azure.net\""));
        }

        if (FailWith is { } status)
        {
            return new FakeResponse(status, Error("ServiceUnavailable", "The vault is unavailable."));
        }

        var segments = request.Uri.Path.Trim('/').Split('/');
        if (segments.Length < 2 || segments[0] != "secrets")
        {
            return new FakeResponse(HttpStatusCode.BadRequest, Error("BadParameter", "unknown path"));
        }

        var name = segments[1];
        if (request.Method == RequestMethod.Get)
        {
            _reads.AddOrUpdate(name, 1, (_, n) => n + 1);
            return _secrets.TryGetValue(name, out var secret)
                ? new FakeResponse(HttpStatusCode.OK, Bundle(name, secret))
                : new FakeResponse(HttpStatusCode.NotFound, Error("SecretNotFound", $"A secret with (name/id) {name} was not found in this key vault."));
        }

        if (request.Method == RequestMethod.Put)
        {
            using var content = new MemoryStream();
            request.Content!.WriteTo(content, CancellationToken.None);
            var body = JsonNode.Parse(content.ToArray())!;
            var tags = body["tags"]?.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>()) ?? [];
            var secret = new Secret(body["value"]!.GetValue<string>(), tags, Now);
            _secrets[name] = secret;
            return new FakeResponse(HttpStatusCode.OK, Bundle(name, secret));
        }

        if (request.Method == RequestMethod.Delete)
        {
            return _secrets.TryRemove(name, out var removed)
                ? new FakeResponse(HttpStatusCode.OK, Bundle(name, removed))
                : new FakeResponse(HttpStatusCode.NotFound, Error("SecretNotFound", "not found"));
        }

        return new FakeResponse(HttpStatusCode.MethodNotAllowed, Error("BadParameter", "method not allowed"));
    }

    private static JsonObject Error(string code, string message) => new() { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } };

    private JsonObject Bundle(string name, Secret secret)
    {
        var version = Interlocked.Increment(ref _version).ToString("x32", System.Globalization.CultureInfo.InvariantCulture);
        var tags = new JsonObject();
        foreach (var (k, v) in secret.Tags)
        {
            tags[k] = v;
        }

        return new JsonObject
        {
            ["value"] = secret.Value,
            ["id"] = $"{VaultUri}secrets/{name}/{version}",
            ["attributes"] = new JsonObject
            {
                ["enabled"] = true,
                ["created"] = secret.Updated.ToUnixTimeSeconds(),
                ["updated"] = secret.Updated.ToUnixTimeSeconds(),
                ["recoveryLevel"] = "Recoverable+Purgeable",
            },
            ["tags"] = tags,
        };
    }

    private sealed class FakeRequest : Request
    {
        private readonly Dictionary<string, List<string>> _headers = new(StringComparer.OrdinalIgnoreCase);

        public override string ClientRequestId { get; set; } = Guid.NewGuid().ToString();

        public override void Dispose()
        {
        }

        protected override void AddHeader(string name, string value)
        {
            if (!_headers.TryGetValue(name, out var values))
            {
                _headers[name] = values = [];
            }

            values.Add(value);
        }

        protected override bool ContainsHeader(string name) => _headers.ContainsKey(name);

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => _headers.Select(h => new HttpHeader(h.Key, string.Join(",", h.Value)));

        protected override bool RemoveHeader(string name) => _headers.Remove(name);

        protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value)
        {
            value = _headers.TryGetValue(name, out var values) ? string.Join(",", values) : null;
            return value is not null;
        }

        protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
        {
            values = _headers.TryGetValue(name, out var list) ? list : null;
            return values is not null;
        }
    }

    private sealed class FakeResponse : Response
    {
        private readonly Dictionary<string, string> _headers = new(StringComparer.OrdinalIgnoreCase);
        private readonly HttpStatusCode _status;

        public FakeResponse(HttpStatusCode status, JsonNode? body, params (string Name, string Value)[] headers)
        {
            _status = status;
            ContentStream = new MemoryStream(body is null ? [] : Encoding.UTF8.GetBytes(body.ToJsonString()));
            if (body is not null)
            {
                _headers["Content-Type"] = "application/json; charset=utf-8";
            }

            foreach (var (name, value) in headers)
            {
                _headers[name] = value;
            }
        }

        public override int Status => (int)_status;

        public override string ReasonPhrase => _status.ToString();

        public override Stream? ContentStream { get; set; }

        public override string ClientRequestId { get; set; } = "";

        public override void Dispose() => ContentStream?.Dispose();

        protected override bool ContainsHeader(string name) => _headers.ContainsKey(name);

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => _headers.Select(h => new HttpHeader(h.Key, h.Value));

        protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value) => _headers.TryGetValue(name, out value);

        protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
        {
            values = _headers.TryGetValue(name, out var value) ? [value] : null;
            return values is not null;
        }
    }

    private sealed class FakeCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new("fake-entra-token", DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
