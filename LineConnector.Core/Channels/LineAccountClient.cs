using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using LineConnector.Core.Line;
using LineConnector.Core.Line.Api;

namespace LineConnector.Core.Channels;

/// <summary>Options of <see cref="LineAccountClient"/>.</summary>
public sealed class LineAccountClientOptions
{
    /// <summary>Retries after a 5xx, a 429 or a network failure.</summary>
    public int MaxRetries { get; set; } = 2;

    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>A LINE API call failed: HTTP status (0: LINE not reached) and LINE's error code when it gave one.</summary>
public sealed class LineAccountException(string message, int status, string? errorCode, Exception? innerException = null)
    : Exception(message, innerException)
{
    public int Status { get; } = status;

    public string? ErrorCode { get; } = errorCode;

    /// <summary>True when LINE refused the credentials (400/401/403): retrying will not help.</summary>
    public bool IsCredentialProblem => Status is 400 or 401 or 403;
}

/// <summary>A stateless channel access token; never logged.</summary>
public sealed record StatelessToken(string AccessToken, TimeSpan ExpiresIn)
{
    public override string ToString() => $"StatelessToken {{ ExpiresIn = {ExpiresIn} }}";
}

/// <summary>
/// The two LINE calls that tie credentials to a LINE account: issuing a stateless channel access
/// token (<c>POST /oauth2/v3/token</c>) and reading the bot's identity (<c>GET /v2/bot/info</c>).
/// Transient failures (5xx, 429, network) are retried; tokens and secrets never appear in errors.
/// </summary>
public sealed class LineAccountClient(HttpClient http, LineApiOptions api, LineAccountClientOptions? options = null)
{
    private readonly LineAccountClientOptions _options = options ?? new LineAccountClientOptions();

    /// <param name="lineChannelId">The LINE channel id (<c>client_id</c>).</param>
    /// <param name="channelSecret">The channel secret (<c>client_secret</c>).</param>
    public async Task<StatelessToken> IssueStatelessTokenAsync(string lineChannelId, string channelSecret, CancellationToken cancellationToken)
    {
        var body = await SendAsync("issue a stateless channel access token", () => new HttpRequestMessage(HttpMethod.Post, new Uri(api.ApiBaseUrl, "oauth2/v3/token"))
        {
            Content = new FormUrlEncodedContent(
            [
                new("grant_type", "client_credentials"),
                new("client_id", lineChannelId),
                new("client_secret", channelSecret),
            ]),
        }, cancellationToken);
        var token = Deserialize(body, LineAccountJsonContext.Default.TokenResponse, "oauth2/v3/token");
        if (string.IsNullOrEmpty(token.AccessToken) || token.ExpiresIn <= 0)
        {
            throw new LineAccountException("LINE's token response has no access_token or expires_in.", 200, null);
        }

        return new StatelessToken(token.AccessToken, TimeSpan.FromSeconds(token.ExpiresIn));
    }

    public async Task<BotInfo> GetBotInfoAsync(string accessToken, CancellationToken cancellationToken)
    {
        var body = await SendAsync("read the bot's info", () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, new Uri(api.ApiBaseUrl, "v2/bot/info"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            return request;
        }, cancellationToken);
        var info = Deserialize(body, LineApiJsonContext.Default.BotInfo, "v2/bot/info");
        return string.IsNullOrEmpty(info.UserId) ? throw new LineAccountException("LINE's bot info has no userId.", 200, null) : info;
    }

    private async Task<byte[]> SendAsync(string what, Func<HttpRequestMessage> create, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = create();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.Timeout);
            LineAccountException failure;
            try
            {
                using var response = await http.SendAsync(request, timeout.Token);
                var body = await response.Content.ReadAsByteArrayAsync(timeout.Token);
                if (response.IsSuccessStatusCode)
                {
                    return body;
                }

                failure = Refused(what, response.StatusCode, body);
            }
            catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                failure = new LineAccountException($"LINE could not be reached to {what}: {(e is OperationCanceledException ? "timed out" : e.Message)}", 0, null, e);
            }

            var transient = failure.Status is 0 or 429 or >= 500;
            if (!transient || attempt >= _options.MaxRetries)
            {
                throw failure;
            }

            await Task.Delay(_options.RetryDelay * (1 << attempt), cancellationToken);
        }
    }

    private static LineAccountException Refused(string what, HttpStatusCode status, byte[] body)
    {
        string? code = null;
        string? detail = null;
        try
        {
            var error = JsonSerializer.Deserialize(body, LineAccountJsonContext.Default.ErrorResponse);
            code = error?.Error;
            detail = error?.ErrorDescription ?? error?.Message;
        }
        catch (JsonException)
        {
            // Not LINE's JSON error (a proxy's page): the status says enough.
        }

        var message = $"LINE refused to {what}: HTTP {(int)status}" + (code is null ? "" : $" {code}") + (detail is null ? "" : $" ({detail})");
        return new LineAccountException(message, (int)status, code);
    }

    private static T Deserialize<T>(byte[] body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, string endpoint)
    {
        try
        {
            return JsonSerializer.Deserialize(body, type) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new LineAccountException($"LINE's answer from {endpoint} is not the expected JSON: {e.Message}", 200, null, e);
        }
    }
}

internal sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("expires_in")] int ExpiresIn,
    [property: JsonPropertyName("token_type")] string? TokenType);

/// <summary>LINE's error bodies: <c>{"error", "error_description"}</c> (tokens) or <c>{"message"}</c> (Messaging API).</summary>
internal sealed record ErrorResponse(
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("error_description")] string? ErrorDescription,
    [property: JsonPropertyName("message")] string? Message);

[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(ErrorResponse))]
internal sealed partial class LineAccountJsonContext : JsonSerializerContext;
