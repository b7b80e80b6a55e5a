using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;

namespace LineConnector.Tests.KeyVault;

/// <summary>
/// Key Vault's secrets REST API in memory, plugged in as the SecretClient's transport: no network.
/// Answers the bearer challenge, get (latest version), set and delete; can be switched unavailable.
/// </summary>
internal sealed class FakeKeyVault : HttpMessageHandler
{
    public static readonly Uri VaultUri = new("https://fake-vault.vault.azure.net/");

    private readonly ConcurrentDictionary<string, Secret> _secrets = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, int> _reads = new(StringComparer.OrdinalIgnoreCase);
    private long _version;

    public sealed record Secret(string Value, IReadOnlyDictionary<string, string> Tags, DateTimeOffset Updated);

    /// <summary>When set, every request is answered with this status (e.g. 503).</summary>
    public HttpStatusCode? FailWith { get; set; }

    public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;

    public SecretClient Client() => new(VaultUri, new FakeCredential(), new SecretClientOptions
    {
        Transport = new HttpClientTransport(new HttpClient(this)),
        Retry = { MaxRetries = 1, Delay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(1) },
    });

    public void Set(string name, string value, IReadOnlyDictionary<string, string>? tags = null, DateTimeOffset? updated = null) =>
        _secrets[name] = new Secret(value, tags ?? new Dictionary<string, string>(), updated ?? Now);

    public Secret? Get(string name) => _secrets.TryGetValue(name, out var s) ? s : null;

    public IReadOnlyCollection<string> Names => _secrets.Keys.ToList();

    public int Reads(string name) => _reads.GetValueOrDefault(name);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.Authorization is null)
        {
            var challenge = new HttpResponseMessage(HttpStatusCode.Unauthorized);
            challenge.Headers.TryAddWithoutValidation("WWW-Authenticate", "Bearer authorization=\"https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000\", resource=\"https://vault.azure.net\"");
            return challenge;
        }

        if (FailWith is { } status)
        {
            return Json(status, new JsonObject { ["error"] = new JsonObject { ["code"] = "ServiceUnavailable", ["message"] = "The vault is unavailable." } });
        }

        var segments = request.RequestUri!.AbsolutePath.Trim('/').Split('/');
        if (segments.Length < 2 || segments[0] != "secrets")
        {
            return new HttpResponseMessage(HttpStatusCode.BadRequest);
        }

        var name = segments[1];
        if (request.Method == HttpMethod.Get)
        {
            _reads.AddOrUpdate(name, 1, (_, n) => n + 1);
            return _secrets.TryGetValue(name, out var secret)
                ? Json(HttpStatusCode.OK, Bundle(name, secret))
                : Json(HttpStatusCode.NotFound, new JsonObject { ["error"] = new JsonObject { ["code"] = "SecretNotFound", ["message"] = $"A secret with (name/id) {name} was not found in this key vault." } });
        }

        if (request.Method == HttpMethod.Put)
        {
            var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!;
            var tags = body["tags"]?.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>()) ?? [];
            var secret = new Secret(body["value"]!.GetValue<string>(), tags, Now);
            _secrets[name] = secret;
            return Json(HttpStatusCode.OK, Bundle(name, secret));
        }

        if (request.Method == HttpMethod.Delete)
        {
            return _secrets.TryRemove(name, out var removed)
                ? Json(HttpStatusCode.OK, Bundle(name, removed))
                : Json(HttpStatusCode.NotFound, new JsonObject { ["error"] = new JsonObject { ["code"] = "SecretNotFound", ["message"] = "not found" } });
        }

        return new HttpResponseMessage(HttpStatusCode.MethodNotAllowed);
    }

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

    private static HttpResponseMessage Json(HttpStatusCode status, JsonNode body) => new(status)
    {
        Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
    };

    private sealed class FakeCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new("fake-entra-token", DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
