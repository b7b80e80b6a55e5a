using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using LineConnector.Core.Channels;
using LineConnector.Core.Telemetry;

namespace LineConnector.Core.Line.Api;

/// <summary>
/// Calls LINE's Messaging API for one channel at a time; the channel access token comes from
/// <see cref="IChannelAccessTokenProvider"/> on each call. Transient failures (5xx, timeouts, network
/// errors, rate-limit 429) are retried with exponential backoff, honouring <c>Retry-After</c>; 409 and
/// other 4xx, and the monthly limit, are not. Every failure is a <see cref="LineApiException"/>.
/// </summary>
public sealed class LineApiClient
{
    public const string RetryKeyHeader = "X-Line-Retry-Key";
    public const string RequestIdHeader = "X-Line-Request-Id";
    public const string AcceptedRequestIdHeader = "X-Line-Accepted-Request-Id";

    private const string InvalidReplyTokenMessage = "Invalid reply token";
    private const string MonthlyLimitMessage = "You have reached your monthly limit.";
    private const int MaxErrorSnippet = 200;

    private readonly HttpClient _http;
    private readonly IChannelAccessTokenProvider _tokens;
    private readonly LineApiClientOptions _options;
    private readonly TimeProvider _clock;
    private readonly Uri _api;
    private readonly Uri _dataApi;

    /// <param name="http">Sends the requests; its own timeout should be longer than <see cref="LineApiClientOptions.Timeout"/> (or infinite).</param>
    public LineApiClient(HttpClient http, IChannelAccessTokenProvider tokens, LineApiClientOptions options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        options.Validate();
        _http = http;
        _tokens = tokens;
        _options = options;
        _clock = clock;
        _api = WithTrailingSlash(options.Endpoints.ApiBaseUrl);
        _dataApi = WithTrailingSlash(options.Endpoints.DataApiBaseUrl);
    }

    /// <summary>
    /// <c>POST /v2/bot/message/reply</c>: free, once per reply token, within about a minute of the webhook.
    /// A used or expired token fails with <see cref="LineErrorKind.InvalidReplyToken"/>.
    /// </summary>
    /// <param name="messages">A JSON array of 1 to 5 LINE message objects.</param>
    public async Task<SendResult> ReplyAsync(string channelId, string replyToken, JsonElement messages, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(replyToken);
        CheckMessages(messages);
        var body = JsonSerializer.SerializeToUtf8Bytes(new ReplyMessageRequest(replyToken, messages), LineApiJsonContext.Default.ReplyMessageRequest);
        using var response = await SendAsync(new Call("reply", HttpMethod.Post, Api("v2/bot/message/reply"), body), channelId, cancellationToken);
        return await ReadSendResultAsync(response, cancellationToken);
    }

    /// <summary>
    /// <c>POST /v2/bot/message/push</c>, counted against the monthly quota. The same
    /// <paramref name="retryKey"/> on every attempt (and on every later call for the same messages) makes
    /// LINE send them at most once within 24 hours: a repeat fails with <see cref="LineErrorKind.Duplicate"/>.
    /// </summary>
    /// <param name="to">A user, group or room id.</param>
    /// <param name="messages">A JSON array of 1 to 5 LINE message objects.</param>
    public async Task<SendResult> PushAsync(string channelId, string to, JsonElement messages, Guid retryKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(to);
        CheckMessages(messages);
        if (retryKey == Guid.Empty)
        {
            throw new ArgumentException("The retry key must not be the empty UUID.", nameof(retryKey));
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(new PushMessageRequest(to, messages), LineApiJsonContext.Default.PushMessageRequest);
        using var response = await SendAsync(new Call("push", HttpMethod.Post, Api("v2/bot/message/push"), body) { RetryKey = retryKey }, channelId, cancellationToken);
        return await ReadSendResultAsync(response, cancellationToken);
    }

    /// <summary><c>GET /v2/bot/info</c>.</summary>
    public async Task<BotInfo> GetBotInfoAsync(string channelId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new Call("bot info", HttpMethod.Get, Api("v2/bot/info")), channelId, cancellationToken);
        return await ReadJsonAsync("bot info", response, LineApiJsonContext.Default.BotInfo, cancellationToken);
    }

    /// <summary><c>GET /v2/bot/profile/{userId}</c>; 404 when the user is not a friend of the bot.</summary>
    public async Task<UserProfile> GetProfileAsync(string channelId, string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        using var response = await SendAsync(new Call("profile", HttpMethod.Get, Api("v2/bot/profile/" + Uri.EscapeDataString(userId))), channelId, cancellationToken);
        return await ReadJsonAsync("profile", response, LineApiJsonContext.Default.UserProfile, cancellationToken);
    }

    /// <summary>
    /// <c>GET /v2/bot/message/{messageId}/content</c> on the content API. Not ready (202) while LINE
    /// prepares a video or audio; 410 (a <see cref="LineErrorKind.ClientError"/>) once LINE no longer keeps it.
    /// </summary>
    public async Task<MessageContent> GetMessageContentAsync(string channelId, string messageId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        var call = new Call("message content", HttpMethod.Get, DataApi($"v2/bot/message/{Uri.EscapeDataString(messageId)}/content")) { Streamed = true };
        var response = await SendAsync(call, channelId, cancellationToken);
        try
        {
            return response.StatusCode == HttpStatusCode.Accepted
                ? MessageContent.Preparing(response)
                : await MessageContent.ReadyAsync(response, cancellationToken);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary><c>GET /v2/bot/message/{messageId}/content/transcoding</c>: whether a user's video or audio can be downloaded yet.</summary>
    public async Task<TranscodingStatus> GetTranscodingStatusAsync(string channelId, string messageId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        using var response = await SendAsync(
            new Call("transcoding status", HttpMethod.Get, DataApi($"v2/bot/message/{Uri.EscapeDataString(messageId)}/content/transcoding")),
            channelId,
            cancellationToken);
        var answer = await ReadJsonAsync("transcoding status", response, LineApiJsonContext.Default.TranscodingResponse, cancellationToken);
        return answer.Status switch
        {
            "processing" => TranscodingStatus.Processing,
            "succeeded" => TranscodingStatus.Succeeded,
            "failed" => TranscodingStatus.Failed,
            _ => throw Unreadable("transcoding status", response, $"the status '{answer.Status}' is not processing, succeeded or failed"),
        };
    }

    /// <summary><c>POST /v2/bot/chat/loading/start</c>: shows a loading animation in a one-on-one chat with <paramref name="userId"/>.</summary>
    /// <param name="loadingSeconds">5 to 60, a multiple of 5 (LINE's rule).</param>
    public async Task StartLoadingAnimationAsync(string channelId, string userId, int loadingSeconds, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        if (loadingSeconds is < 5 or > 60 || loadingSeconds % 5 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(loadingSeconds), loadingSeconds, "loadingSeconds must be 5 to 60 and a multiple of 5.");
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(new ShowLoadingAnimationRequest(userId, loadingSeconds), LineApiJsonContext.Default.ShowLoadingAnimationRequest);
        using var response = await SendAsync(new Call("loading animation", HttpMethod.Post, Api("v2/bot/chat/loading/start"), body), channelId, cancellationToken);
    }

    /// <summary><c>GET /v2/bot/message/quota</c>.</summary>
    public async Task<MessageQuota> GetQuotaAsync(string channelId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new Call("quota", HttpMethod.Get, Api("v2/bot/message/quota")), channelId, cancellationToken);
        return await ReadJsonAsync("quota", response, LineApiJsonContext.Default.MessageQuota, cancellationToken);
    }

    /// <summary><c>GET /v2/bot/message/quota/consumption</c>: messages counted against the quota this month.</summary>
    public async Task<long> GetQuotaConsumptionAsync(string channelId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new Call("quota consumption", HttpMethod.Get, Api("v2/bot/message/quota/consumption")), channelId, cancellationToken);
        return (await ReadJsonAsync("quota consumption", response, LineApiJsonContext.Default.QuotaConsumptionResponse, cancellationToken)).TotalUsage;
    }

    /// <summary>
    /// Sends a call in a span of its own (the HTTP attempts are its children), retrying transient failures;
    /// returns the first 2xx answer (its body buffered unless streamed). A failure is counted by its kind.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(Call call, string channelId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(channelId);
        using var activity = ConnectorTelemetry.Source.StartActivity($"line {call.Operation}", ActivityKind.Internal);
        activity?.SetTag(ConnectorTelemetry.ChannelAttribute, channelId).SetTag(ConnectorTelemetry.LineOperationAttribute, call.Operation);
        try
        {
            var response = await SendWithRetriesAsync(call, channelId, activity, cancellationToken);
            activity?.SetTag(ConnectorTelemetry.LineRequestIdAttribute, RequestId(response));
            return response;
        }
        catch (LineApiException e)
        {
            ConnectorMetrics.LineCallFailed(channelId, e);
            activity?.SetTag(ConnectorTelemetry.LineErrorKindAttribute, e.Kind.ToString())
                .SetTag(ConnectorTelemetry.LineRequestIdAttribute, e.RequestId)
                .SetTag(ConnectorTelemetry.LineAttemptsAttribute, e.Attempts);
            ConnectorTelemetry.Failed(activity, e);
            throw;
        }
        catch (Exception e)
        {
            ConnectorTelemetry.Failed(activity, e);
            throw;
        }
    }

    private async Task<HttpResponseMessage> SendWithRetriesAsync(Call call, string channelId, Activity? activity, CancellationToken cancellationToken)
    {
        var token = await _tokens.GetTokenAsync(channelId, cancellationToken);
        if (!IsUsableToken(token))
        {
            throw new ChannelAccessTokenMissingException(channelId, $"Channel '{channelId}' has an empty or malformed channel access token (it must be printable ASCII without spaces).");
        }

        for (var attempt = 1; ; attempt++)
        {
            LineApiException failure;
            using (var timeout = new CancellationTokenSource(_options.Timeout, _clock))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
            {
                HttpResponseMessage? response = null;
                try
                {
                    using var request = call.CreateRequest(token);
                    response = await _http.SendAsync(request, call.Streamed ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead, linked.Token);
                    if (response.IsSuccessStatusCode)
                    {
                        activity?.SetTag(ConnectorTelemetry.LineAttemptsAttribute, attempt);
                        var success = response;
                        response = null;
                        return success;
                    }

                    failure = await ReadFailureAsync(call, response, attempt, linked.Token);
                }
                catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
                {
                    failure = new LineApiException(call.Operation, LineErrorKind.Timeout, 0, $"no answer within {_options.Timeout.TotalSeconds:0.###} s", [], RequestId(response), attempt, e);
                }
                catch (HttpRequestException e)
                {
                    failure = new LineApiException(call.Operation, LineErrorKind.Unreachable, 0, $"LINE could not be reached ({e.HttpRequestError})", [], null, attempt, e);
                }
                finally
                {
                    response?.Dispose();
                }
            }

            if (!failure.IsTransient || attempt > _options.MaxRetries)
            {
                throw failure;
            }

            var delay = failure.RetryAfter ?? Backoff(attempt);
            if (delay > _options.MaxRetryDelay)
            {
                throw failure;
            }

            await Task.Delay(delay, _clock, cancellationToken);
        }
    }

    private async Task<LineApiException> ReadFailureAsync(Call call, HttpResponseMessage response, int attempt, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        ErrorResponse? error = null;
        try
        {
            error = JsonSerializer.Deserialize(text, LineApiJsonContext.Default.ErrorResponse);
        }
        catch (JsonException)
        {
            // Not LINE's error shape (e.g. a proxy's HTML page): described by status and a snippet below.
        }

        var message = error?.Message ?? $"HTTP {status} {response.ReasonPhrase} {Snippet(text)}".TrimEnd();
        var kind = status switch
        {
            400 when string.Equals(message.Trim(), InvalidReplyTokenMessage, StringComparison.OrdinalIgnoreCase) => LineErrorKind.InvalidReplyToken,
            429 when string.Equals(message.Trim(), MonthlyLimitMessage, StringComparison.OrdinalIgnoreCase) => LineErrorKind.MonthlyLimit,
            429 => LineErrorKind.RateLimit,
            409 when call.RetryKey is not null => LineErrorKind.Duplicate,
            408 => LineErrorKind.Timeout,
            >= 500 => LineErrorKind.ServerError,
            _ => LineErrorKind.ClientError,
        };

        return new LineApiException(call.Operation, kind, status, message, error?.Details ?? [], RequestId(response), attempt)
        {
            AcceptedRequestId = Header(response, AcceptedRequestIdHeader),
            SentMessages = error?.SentMessages ?? [],
            RetryAfter = RetryAfter(response),
        };
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta;
        }

        if (retryAfter?.Date is { } date)
        {
            var wait = date - _clock.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private TimeSpan Backoff(int attempt)
    {
        var exponential = _options.RetryDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        // Jitter spreads the retries of many sessions hitting the same rate limit.
        var jittered = exponential * (0.8 + (0.4 * Random.Shared.NextDouble()));
        return TimeSpan.FromMilliseconds(Math.Min(jittered, _options.MaxRetryDelay.TotalMilliseconds));
    }

    private static async Task<SendResult> ReadSendResultAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        // LINE answered 2xx, so the messages were sent: an unreadable body must not make the caller send them again.
        IReadOnlyList<SentMessage> sent = [];
        try
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            sent = JsonSerializer.Deserialize(body, LineApiJsonContext.Default.SendMessageResponse)?.SentMessages ?? [];
        }
        catch (JsonException)
        {
        }

        return new SendResult(sent, RequestId(response));
    }

    private static async Task<T> ReadJsonAsync<T>(string operation, HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        try
        {
            return JsonSerializer.Deserialize(body, type) ?? throw Unreadable(operation, response, "the body is null");
        }
        catch (JsonException e)
        {
            throw Unreadable(operation, response, e.Message);
        }
    }

    private static LineApiException Unreadable(string operation, HttpResponseMessage response, string why) =>
        new(operation, LineErrorKind.ServerError, (int)response.StatusCode, $"LINE's answer could not be read: {why}", [], RequestId(response), 1);

    private static void CheckMessages(JsonElement messages)
    {
        if (messages.ValueKind != JsonValueKind.Array)
        {
            throw new ArgumentException($"messages must be a JSON array of message objects, not {messages.ValueKind}.", nameof(messages));
        }

        var count = messages.GetArrayLength();
        if (count is < 1 or > MessageLimits.MaxMessagesPerRequest)
        {
            throw new ArgumentException($"messages has {count} objects; LINE takes 1 to {MessageLimits.MaxMessagesPerRequest} per request.", nameof(messages));
        }
    }

    private static bool IsUsableToken(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return false;
        }

        foreach (var c in token)
        {
            if (c is <= ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    private static string Snippet(string text)
    {
        var oneLine = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return oneLine.Length <= MaxErrorSnippet ? oneLine : string.Concat(oneLine.AsSpan(0, MaxErrorSnippet), "...");
    }

    private static string? RequestId(HttpResponseMessage? response) => response is null ? null : Header(response, RequestIdHeader);

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private Uri Api(string path) => new(_api, path);

    private Uri DataApi(string path) => new(_dataApi, path);

    private static Uri WithTrailingSlash(Uri uri) =>
        uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");

    private sealed record Call(string Operation, HttpMethod Method, Uri Uri, byte[]? Body = null)
    {
        public Guid? RetryKey { get; init; }

        /// <summary>Return once the headers are read, leaving the body to the caller (content downloads).</summary>
        public bool Streamed { get; init; }

        public HttpRequestMessage CreateRequest(string token)
        {
            var request = new HttpRequestMessage(Method, Uri);
            // Set without parsing: a parse error would quote the value, and the value is a secret.
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
            if (RetryKey is { } key)
            {
                request.Headers.TryAddWithoutValidation(RetryKeyHeader, key.ToString("D", CultureInfo.InvariantCulture));
            }

            if (Body is not null)
            {
                request.Content = new ByteArrayContent(Body);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = Encoding.UTF8.WebName };
            }

            return request;
        }
    }
}
