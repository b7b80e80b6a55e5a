using System.Collections.Concurrent;
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
/// The one client of LINE's APIs: the Messaging API, the content API and the token endpoint. A
/// channel's calls authenticate with its credential from <see cref="IChannelCredentials"/>: its
/// long-lived token, or a stateless token minted with its channel id and secret and cached for less
/// than its life. One retry policy for every call: transient failures (5xx, timeouts, network
/// errors, rate-limit 429) are retried with exponential backoff, honouring <c>Retry-After</c>; 409,
/// other 4xx and the monthly limit are not. Every failure is a <see cref="LineApiException"/>;
/// a channel that cannot be authenticated is a <see cref="DomainException"/>. Each call is a span of
/// its own (the HTTP attempts are its children), and a failed one is counted by its kind.
/// </summary>
public sealed class LineApiClient
{
    public const string RetryKeyHeader = "X-Line-Retry-Key";
    public const string RequestIdHeader = "X-Line-Request-Id";
    public const string AcceptedRequestIdHeader = "X-Line-Accepted-Request-Id";

    /// <summary>A minted token is used until this long before it expires.</summary>
    public static readonly TimeSpan TokenExpiryMargin = TimeSpan.FromMinutes(2);

    private const string InvalidReplyTokenMessage = "Invalid reply token";
    private const string MonthlyLimitMessage = "You have reached your monthly limit.";
    private const string IssueTokenOperation = "issue a stateless token";
    private const int MaxErrorSnippet = 200;

    private readonly HttpClient _http;
    private readonly IChannelCredentials _credentials;
    private readonly LineApiClientOptions _options;
    private readonly TimeProvider _clock;
    private readonly Uri _api;
    private readonly Uri _dataApi;
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset UseUntil)> _minted = new(StringComparer.Ordinal);

    /// <param name="http">Sends the requests; its own timeout should be longer than <see cref="LineApiClientOptions.Timeout"/> (or infinite).</param>
    public LineApiClient(HttpClient http, IChannelCredentials credentials, LineApiClientOptions options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        options.Validate();
        _http = http;
        _credentials = credentials;
        _options = options;
        _clock = clock;
        _api = WithTrailingSlash(options.ApiBaseUrl);
        _dataApi = WithTrailingSlash(options.DataApiBaseUrl);
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
        var call = new Call("reply", HttpMethod.Post, Api("v2/bot/message/reply"), body) { SendsMessages = true };
        using var response = await SendAsync(call, channelId, cancellationToken);
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
        var call = new Call("push", HttpMethod.Post, Api("v2/bot/message/push"), body) { RetryKey = retryKey, SendsMessages = true };
        using var response = await SendAsync(call, channelId, cancellationToken);
        return await ReadSendResultAsync(response, cancellationToken);
    }

    /// <summary>
    /// <c>POST /v2/bot/chat/markAsRead</c>: marks the user's messages up to the one that carried
    /// <paramref name="markAsReadToken"/> (webhook.yml, <c>markAsReadToken</c> of a message) as read.
    /// LINE refuses a token of another bot, or any token while the account's chat mode is off (400).
    /// </summary>
    public async Task MarkAsReadAsync(string channelId, string markAsReadToken, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(markAsReadToken);
        var body = JsonSerializer.SerializeToUtf8Bytes(new MarkAsReadRequest(markAsReadToken), LineApiJsonContext.Default.MarkAsReadRequest);
        using var response = await SendAsync(new Call("mark as read", HttpMethod.Post, Api("v2/bot/chat/markAsRead"), body), channelId, cancellationToken);
    }

    /// <summary>
    /// <c>POST /v2/bot/chat/loading/start</c>: shows the loading animation to <paramref name="userId"/> for
    /// <paramref name="seconds"/> (5 to 60, a multiple of 5) or until the bot sends them a message. One-to-one chats only.
    /// </summary>
    public async Task StartLoadingAnimationAsync(string channelId, string userId, int seconds, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        if (seconds is < LineExtrasSettings.MinLoadingAnimationSeconds or > LineExtrasSettings.MaxLoadingAnimationSeconds || seconds % LineExtrasSettings.LoadingAnimationStepSeconds != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "LINE takes 5 to 60 seconds, a multiple of 5.");
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(new ShowLoadingAnimationRequest(userId, seconds), LineApiJsonContext.Default.ShowLoadingAnimationRequest);
        using var response = await SendAsync(new Call("loading animation", HttpMethod.Post, Api("v2/bot/chat/loading/start"), body), channelId, cancellationToken);
    }

    /// <summary><c>GET /v2/bot/message/quota</c> and <c>GET /v2/bot/message/quota/consumption</c>: this month's limit and usage.</summary>
    public async Task<MessageQuota> GetMessageQuotaAsync(string channelId, CancellationToken cancellationToken)
    {
        MessageQuotaResponse quota;
        using (var response = await SendAsync(new Call("message quota", HttpMethod.Get, Api("v2/bot/message/quota")), channelId, cancellationToken))
        {
            quota = await ReadJsonAsync("message quota", response, LineApiJsonContext.Default.MessageQuotaResponse, cancellationToken);
            if (quota.Type is not ("none" or "limited") || (quota.Type == "limited" && quota.Value is null or < 0))
            {
                throw Unreadable("message quota", response, $"the type '{quota.Type}' is not none, or limited with a value of 0 or more");
            }
        }

        using var consumption = await SendAsync(new Call("quota consumption", HttpMethod.Get, Api("v2/bot/message/quota/consumption")), channelId, cancellationToken);
        var used = await ReadJsonAsync("quota consumption", consumption, LineApiJsonContext.Default.QuotaConsumptionResponse, cancellationToken);
        return used.TotalUsage >= 0
            ? new MessageQuota(quota.Type == "limited" ? quota.Value : null, used.TotalUsage)
            : throw Unreadable("quota consumption", consumption, "totalUsage is negative");
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

    /// <summary>
    /// <c>GET /v2/bot/info</c> with credentials not stored yet (a channel being created, or given new
    /// credentials): the bot's user id ties them to one LINE account. A stateless credential is minted
    /// first and the token is not kept. LINE refusing the credentials is <see cref="LineErrorKind.InvalidCredentials"/>.
    /// </summary>
    public async Task<BotInfo> GetBotInfoAsync(LineCredential credential, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var token = credential.AccessToken
            ?? (await IssueStatelessTokenAsync(credential.LineChannelId!, credential.ChannelSecret!, cancellationToken)).AccessToken;
        using var response = await SendAsync(new Call("bot info", HttpMethod.Get, Api("v2/bot/info")) { Bearer = Usable(token, "the given channel access token") }, null, cancellationToken);
        return await ReadJsonAsync("bot info", response, LineApiJsonContext.Default.BotInfo, cancellationToken);
    }

    /// <summary><c>POST /oauth2/v3/token</c>: a stateless channel access token (15 minutes) for the LINE channel id and secret.</summary>
    public async Task<StatelessToken> IssueStatelessTokenAsync(string lineChannelId, string channelSecret, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(lineChannelId);
        ArgumentException.ThrowIfNullOrEmpty(channelSecret);
        var form = Encoding.ASCII.GetBytes(string.Join('&',
            "grant_type=client_credentials",
            "client_id=" + Uri.EscapeDataString(lineChannelId),
            "client_secret=" + Uri.EscapeDataString(channelSecret)));
        var call = new Call(IssueTokenOperation, HttpMethod.Post, Api("oauth2/v3/token"), form) { ContentType = "application/x-www-form-urlencoded" };
        using var response = await SendAsync(call, null, cancellationToken);
        var answer = await ReadJsonAsync(IssueTokenOperation, response, LineApiJsonContext.Default.TokenResponse, cancellationToken);
        return answer.ExpiresIn > 0
            ? new StatelessToken(Usable(answer.AccessToken, "LINE's new token"), TimeSpan.FromSeconds(answer.ExpiresIn))
            : throw Unreadable(IssueTokenOperation, response, "expires_in is not positive");
    }

    /// <summary>Drops the channel's minted token, after its credentials changed.</summary>
    public void ForgetToken(string channelId) => _minted.TryRemove(channelId, out _);

    /// <summary>
    /// The channel's access token: its long-lived one, else a minted one while it has more than
    /// <see cref="TokenExpiryMargin"/> to live, else a new one minted now.
    /// </summary>
    internal async ValueTask<string> GetAccessTokenAsync(string channelId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(channelId);
        var credential = await _credentials.GetAsync(channelId, cancellationToken);
        if (credential.AccessToken is { } longLived)
        {
            return Usable(longLived, $"the channel access token of channel '{channelId}'");
        }

        if (_minted.TryGetValue(channelId, out var minted) && _clock.GetUtcNow() < minted.UseUntil)
        {
            return minted.Token;
        }

        StatelessToken issued;
        try
        {
            issued = await IssueStatelessTokenAsync(credential.LineChannelId!, credential.ChannelSecret!, cancellationToken);
        }
        catch (LineApiException e) when (e.Kind == LineErrorKind.InvalidCredentials)
        {
            throw new DomainException(DomainError.Misconfigured, $"Channel '{channelId}': {e.Message}. Check its LINE channel id and channel secret.");
        }

        _minted[channelId] = (issued.AccessToken, _clock.GetUtcNow() + issued.ExpiresIn - TokenExpiryMargin);
        return issued.AccessToken;
    }

    /// <summary>
    /// Sends a call in a span of its own, retrying transient failures; returns the first 2xx answer (its
    /// body buffered unless streamed). A call of a channel (<paramref name="channelId"/> set) authenticates
    /// with the channel's token; the others carry their own. A failure is counted by its kind.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(Call call, string? channelId, CancellationToken cancellationToken)
    {
        using var activity = ConnectorTelemetry.Source.StartActivity($"line {call.Operation}", ActivityKind.Internal);
        activity?.SetTag(ConnectorTelemetry.ChannelAttribute, channelId).SetTag(ConnectorTelemetry.LineOperationAttribute, call.Operation);
        try
        {
            if (channelId is not null)
            {
                call = call with { Bearer = await GetAccessTokenAsync(channelId, cancellationToken) };
            }

            var response = await SendWithRetriesAsync(call, activity, cancellationToken);
            activity?.SetTag(ConnectorTelemetry.LineRequestIdAttribute, RequestId(response));
            return response;
        }
        catch (LineApiException e) when (e.Operation == call.Operation)
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

    private async Task<HttpResponseMessage> SendWithRetriesAsync(Call call, Activity? activity, CancellationToken cancellationToken)
    {
        var mayHaveTakenEffect = false;
        for (var attempt = 1; ; attempt++)
        {
            LineApiException failure;
            using (var timeout = new CancellationTokenSource(_options.Timeout, _clock))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
            {
                HttpResponseMessage? response = null;
                try
                {
                    using var request = call.CreateRequest();
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
                    failure = new LineApiException(call.Operation, LineErrorKind.Unreachable, 0, $"LINE could not be reached ({e.HttpRequestError})", [], null, attempt, e)
                    {
                        // Refused before anything was sent, LINE cannot have acted; lost later, it may have.
                        MayHaveTakenEffect = e.HttpRequestError is not (HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError),
                    };
                }
                finally
                {
                    response?.Dispose();
                }
            }

            mayHaveTakenEffect |= call.SendsMessages && (failure.MayHaveTakenEffect || failure.Kind is LineErrorKind.Timeout or LineErrorKind.ServerError);
            failure = WithEffect(failure, mayHaveTakenEffect);
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

    private static LineApiException WithEffect(LineApiException failure, bool mayHaveTakenEffect) =>
        failure.MayHaveTakenEffect == mayHaveTakenEffect
            ? failure
            : new LineApiException(failure.Operation, failure.Kind, failure.Status, failure.LineMessage, failure.Details, failure.RequestId, failure.Attempts, failure.InnerException, failure.ErrorCode)
            {
                AcceptedRequestId = failure.AcceptedRequestId,
                SentMessages = failure.SentMessages,
                RetryAfter = failure.RetryAfter,
                MayHaveTakenEffect = mayHaveTakenEffect,
            };

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

        var message = error?.Message ?? error?.ErrorDescription ?? $"HTTP {status} {response.ReasonPhrase} {Snippet(text)}".TrimEnd();
        var kind = status switch
        {
            400 when string.Equals(message.Trim(), InvalidReplyTokenMessage, StringComparison.OrdinalIgnoreCase) => LineErrorKind.InvalidReplyToken,
            429 when string.Equals(message.Trim(), MonthlyLimitMessage, StringComparison.OrdinalIgnoreCase) => LineErrorKind.MonthlyLimit,
            429 => LineErrorKind.RateLimit,
            409 when call.RetryKey is not null => LineErrorKind.Duplicate,
            401 or 403 => LineErrorKind.InvalidCredentials,
            >= 400 and < 500 when call.Operation == IssueTokenOperation && status != 408 => LineErrorKind.InvalidCredentials,
            408 => LineErrorKind.Timeout,
            >= 500 => LineErrorKind.ServerError,
            _ => LineErrorKind.ClientError,
        };

        return new LineApiException(call.Operation, kind, status, message, error?.Details ?? [], RequestId(response), attempt, errorCode: error?.Error)
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

    /// <summary>The token, when it can go in a header as it is: printable ASCII without spaces. The refusal never quotes it.</summary>
    private static string Usable(string? token, string what)
    {
        if (string.IsNullOrEmpty(token) || token.Any(c => c is <= ' ' or > '~'))
        {
            throw new DomainException(DomainError.Misconfigured, $"{char.ToUpperInvariant(what[0])}{what[1..]} is empty or malformed (it must be printable ASCII without spaces).");
        }

        return token;
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
        public string ContentType { get; init; } = "application/json";

        /// <summary>The access token; null for the token endpoint, which authenticates with the form.</summary>
        public string? Bearer { get; init; }

        public Guid? RetryKey { get; init; }

        /// <summary>The call sends messages to users (reply, push): an attempt whose outcome is unknown may have sent them.</summary>
        public bool SendsMessages { get; init; }

        /// <summary>Return once the headers are read, leaving the body to the caller (content downloads).</summary>
        public bool Streamed { get; init; }

        public HttpRequestMessage CreateRequest()
        {
            var request = new HttpRequestMessage(Method, Uri);
            if (Bearer is not null)
            {
                // Set without parsing: a parse error would quote the value, and the value is a secret.
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Bearer);
            }

            if (RetryKey is { } key)
            {
                request.Headers.TryAddWithoutValidation(RetryKeyHeader, key.ToString("D", CultureInfo.InvariantCulture));
            }

            if (Body is not null)
            {
                request.Content = new ByteArrayContent(Body);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue(ContentType) { CharSet = ContentType == "application/json" ? Encoding.UTF8.WebName : null };
            }

            return request;
        }
    }
}
