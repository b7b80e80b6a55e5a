using System.Net;
using System.Net.Sockets;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using LineConnector.Core.Storage;
using LineConnector.Functions.TableStorage;

namespace LineConnector.Tests.Storage;

/// <summary>
/// How the store over Azure.Data.Tables reports a service that is down, slow, busy or refuses, and
/// how the client's retry (quickened here, so that failures fail fast) treats each.
/// </summary>
public sealed class AzureTableStoreTests
{
    private const string AccountKey = "dGhpcyBpcyBub3QgYSByZWFsIGtleSBidXQgaXQgaXMgYmFzZTY0IGVuY29kZWQ=";
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_store_that_refuses_connections_fails_transient_with_status_0()
    {
        var client = Store(ConnectionString($"http://127.0.0.1:{ClosedPort()}/devstoreaccount1"), QuickOptions());

        var get = await FailureOf(() => client.GetAsync("channels", "p", "r", None));
        var query = await FailureOf(() => client.QueryPartitionAsync("channels", "p", None).ToListAsync().AsTask());

        foreach (var failure in new[] { get, query })
        {
            failure.Status.Should().Be(0);
            failure.IsTransient.Should().BeTrue();
            failure.ErrorCode.Should().BeNull();
            failure.Message.Should().Contain("Table 'channels'").And.Contain("PartitionKey 'p'").And.Contain("could not be reached");
        }

        get.Message.Should().Contain("RowKey 'r'");
    }

    [Fact]
    public async Task A_store_that_never_answers_times_out_transient_with_status_0()
    {
        using var silent = new SilentServer();
        var options = QuickOptions();
        options.Retry.NetworkTimeout = TimeSpan.FromMilliseconds(300);
        var client = Store(ConnectionString($"http://127.0.0.1:{silent.Port}/devstoreaccount1"), options);

        var failure = await FailureOf(() => client.UpsertAsync("channels", Row("p", "r"), None));

        failure.Status.Should().Be(0);
        failure.IsTransient.Should().BeTrue();
        failure.Message.Should().Contain("could not be reached").And.Contain("timeout");
        silent.Connections.Should().BeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task Cancelling_a_call_the_store_does_not_answer_cancels_it()
    {
        using var silent = new SilentServer();
        var options = QuickOptions();
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        var client = Store(ConnectionString($"http://127.0.0.1:{silent.Port}/devstoreaccount1"), options);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await FluentActions.Awaiting(() => client.GetAsync("channels", "p", "r", cancellation.Token)).Should().ThrowAsync<OperationCanceledException>();
    }

    [Theory]
    [InlineData(500, "InternalError")]
    [InlineData(503, "ServerBusy")]
    [InlineData(429, "TooManyRequests")]
    [InlineData(408, "OperationTimedOut")]
    public async Task Transient_answers_are_retried_by_the_pipeline(int status, string code)
    {
        var handler = new ScriptedHandler((request, attempt) => attempt < 2 ? Error(status, code, "Try again.") : NoContent("W/\"3\""));
        var client = Store(ConnectionString("http://127.0.0.1:1/devstoreaccount1"), QuickOptions(handler));

        var etag = await client.UpsertAsync("channels", Row("p", "r"), None);

        etag.Should().Be("W/\"3\"");
        handler.Requests.Should().HaveCount(3);
    }

    [Fact]
    public async Task A_service_busy_beyond_the_retries_fails_transient_with_its_code_and_message()
    {
        var handler = new ScriptedHandler((_, _) => Error(503, "ServerBusy", "The server is busy.\nRequestId:5c2d\nTime:2024-01-01T00:00:00Z"));
        var options = QuickOptions(handler);
        options.Retry.MaxRetries = 3;
        var client = Store(ConnectionString("http://127.0.0.1:1/devstoreaccount1"), options);

        var failure = await FailureOf(() => client.InsertAsync("channels", Row("p", "r"), None));

        handler.Requests.Should().HaveCount(4);
        failure.Status.Should().Be(503);
        failure.ErrorCode.Should().Be("ServerBusy");
        failure.IsTransient.Should().BeTrue();
        failure.Message.Should().Be("Table 'channels' (PartitionKey 'p', RowKey 'r'): insert failed: HTTP 503 ServerBusy. The server is busy.");
    }

    [Fact]
    public async Task A_refusal_is_not_retried_and_carries_the_services_explanation()
    {
        var handler = new ScriptedHandler((_, _) => Error(400, "PropertyValueInvalid", "The property value is invalid.\nRequestId:1"));
        var client = Store(ConnectionString("http://127.0.0.1:1/devstoreaccount1"), QuickOptions(handler));

        var failure = await FailureOf(() => client.MergeAsync("channels", Row("p", "r"), "*", None));

        handler.Requests.Should().ContainSingle();
        failure.Status.Should().Be(400);
        failure.IsTransient.Should().BeFalse();
        failure.Message.Should().Be("Table 'channels' (PartitionKey 'p', RowKey 'r'): merge failed: HTTP 400 PropertyValueInvalid. The property value is invalid.");
    }

    [Fact]
    public async Task An_answer_that_is_not_the_services_json_still_reports_status_and_reason()
    {
        var handler = new ScriptedHandler((_, _) => new HttpResponseMessage(HttpStatusCode.BadGateway)
        {
            ReasonPhrase = "Bad Gateway",
            Content = new StringContent("<html>proxy error</html>", Encoding.UTF8, "text/html"),
        });
        var options = QuickOptions(handler);
        options.Retry.MaxRetries = 0;
        var client = Store(ConnectionString("http://127.0.0.1:1/devstoreaccount1"), options);

        var failure = await FailureOf(() => client.DeleteAsync("channels", "p", "r", "*", None));

        failure.Status.Should().Be(502);
        failure.ErrorCode.Should().BeNull();
        failure.IsTransient.Should().BeTrue();
        failure.Message.Should().Be("Table 'channels' (PartitionKey 'p', RowKey 'r'): delete failed: HTTP 502. Bad Gateway");
    }

    [Fact]
    public async Task A_missing_role_is_explained_and_the_token_never_appears()
    {
        var handler = new ScriptedHandler((_, _) => Error(403, "AuthorizationPermissionMismatch", "This request is not authorized to perform this operation using this permission."));
        var credential = new FakeCredential();
        var client = Store(new Uri("https://contoso.table.core.windows.net/"), credential, QuickOptions(handler));

        var failure = await FailureOf(() => client.UpsertAsync("channels", Row("p", "r"), None));

        credential.Scopes.Should().ContainSingle().Which.Should().Equal("https://storage.azure.com/.default");
        handler.Requests.Single().Headers.Authorization!.ToString().Should().Be($"Bearer {FakeCredential.Token}");
        failure.Status.Should().Be(403);
        failure.Message.Should().Contain("'Storage Table Data Contributor' role");
        failure.ToString().Should().NotContain(FakeCredential.Token);
    }

    [Fact]
    public async Task An_identity_that_cannot_get_a_token_fails_transient()
    {
        var client = Store(new Uri("https://contoso.table.core.windows.net/"), new FailingCredential(), QuickOptions(new ScriptedHandler((_, _) => NoContent("W/\"1\""))));

        var failure = await FailureOf(() => client.GetAsync("channels", "p", "r", None));

        failure.Status.Should().Be(0);
        failure.IsTransient.Should().BeTrue();
        failure.Message.Should().Contain("no managed identity endpoint");
    }

    private static AzureTableStore Store(string connectionString, TableClientOptions options) => new(new TableServiceClient(connectionString, options));

    private static AzureTableStore Store(Uri endpoint, TokenCredential credential, TableClientOptions options) => new(new TableServiceClient(endpoint, credential, options));

    /// <summary>The app's client options with quick retries: the library's default would wait seconds per failing test.</summary>
    private static TableClientOptions QuickOptions(HttpMessageHandler? handler = null)
    {
        var options = TableStorageSettings.CreateClientOptions();
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(5);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(20);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(2);
        if (handler is not null)
        {
            options.Transport = new HttpClientTransport(new HttpClient(handler));
        }

        return options;
    }

    private static string ConnectionString(string endpoint) =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};TableEndpoint={endpoint}";

    private static TableRow Row(string partitionKey, string rowKey) => new(partitionKey, rowKey, new Dictionary<string, object?> { ["V"] = 1 });

    private static async Task<TableStoreException> FailureOf(Func<Task> call)
    {
        var failure = (await FluentActions.Awaiting(call).Should().ThrowAsync<TableStoreException>()).Which;
        failure.ToString().Should().NotContain(AccountKey);
        return failure;
    }

    private static string? Header(HttpRequestMessage request, string name) =>
        request.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static HttpResponseMessage Error(int status, string code, string message) =>
        Json(status, "{\"odata.error\":{\"code\":" + JsonEncode(code) + ",\"message\":{\"lang\":\"en-US\",\"value\":" + JsonEncode(message) + "}}}");

    private static string JsonEncode(string value) => System.Text.Json.JsonSerializer.Serialize(value);

    private static HttpResponseMessage Json(int status, string json, string? etag = null)
    {
        var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (etag is not null)
        {
            response.Headers.TryAddWithoutValidation("ETag", etag);
        }

        return response;
    }

    private static HttpResponseMessage NoContent(string etag)
    {
        var response = new HttpResponseMessage(HttpStatusCode.NoContent);
        response.Headers.TryAddWithoutValidation("ETag", etag);
        return response;
    }

    /// <summary>Answers each request with the script's response for that attempt (0, 1, ...), recording requests and bodies.</summary>
    private sealed class ScriptedHandler(Func<HttpRequestMessage, int, HttpResponseMessage> script) : HttpMessageHandler
    {
        public List<HttpRequestMessage> Requests { get; } = [];

        public List<string> Bodies { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            int attempt;
            lock (Requests)
            {
                attempt = Requests.Count;
                Requests.Add(request);
            }

            if (request.Content is not null)
            {
                Bodies.Add(await request.Content.ReadAsStringAsync(cancellationToken));
            }

            return script(request, attempt);
        }
    }

    /// <summary>Accepts connections and never answers.</summary>
    private sealed class SilentServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<Socket> _sockets = [];
        private int _connections;

        public SilentServer()
        {
            _listener.Start();
            _ = AcceptAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Connections => Volatile.Read(ref _connections);

        public void Dispose()
        {
            _listener.Stop();
            lock (_sockets)
            {
                _sockets.ForEach(s => s.Dispose());
            }
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var socket = await _listener.AcceptSocketAsync();
                    Interlocked.Increment(ref _connections);
                    lock (_sockets)
                    {
                        _sockets.Add(socket);
                    }
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Stopped.
            }
        }
    }

    private sealed class FakeCredential : TokenCredential
    {
        public const string Token = "eyJ0eXAiOiJKV1QiLCJ0ZXN0IjoidG9rZW4ifQ.fake-storage-token";

        public List<string[]> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            lock (Scopes)
            {
                Scopes.Add(requestContext.Scopes);
            }

            return new AccessToken(Token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    private sealed class FailingCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new CredentialUnavailableException("ManagedIdentityCredential: no managed identity endpoint found.");

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new CredentialUnavailableException("ManagedIdentityCredential: no managed identity endpoint found.");
    }
}
