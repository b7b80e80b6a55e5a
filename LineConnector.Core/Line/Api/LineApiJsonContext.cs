using System.Text.Json;
using System.Text.Json.Serialization;

namespace LineConnector.Core.Line.Api;

// Request and response shapes of LINE's Messaging API (line-openapi/messaging-api.yml). Optional
// properties have default values: the context treats every constructor parameter without one as required.

internal sealed record ReplyMessageRequest(string ReplyToken, JsonElement Messages);

internal sealed record PushMessageRequest(string To, JsonElement Messages);


internal sealed record SendMessageResponse(IReadOnlyList<SentMessage> SentMessages);

/// <summary>LINE's error bodies: <c>{"message", "details", "sentMessages"}</c> (Messaging API) or <c>{"error", "error_description"}</c> (token endpoint).</summary>
internal sealed record ErrorResponse(
    string? Message = null,
    IReadOnlyList<LineErrorDetail>? Details = null,
    IReadOnlyList<SentMessage>? SentMessages = null,
    string? Error = null,
    [property: JsonPropertyName("error_description")] string? ErrorDescription = null);

internal sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("expires_in")] long ExpiresIn);

internal sealed record TranscodingResponse(string Status);

internal sealed record MarkAsReadRequest(string MarkAsReadToken);

internal sealed record ShowLoadingAnimationRequest(string ChatId, int LoadingSeconds);

/// <param name="Type"><c>none</c> or <c>limited</c>.</param>
/// <param name="Value">The month's target limit, when <paramref name="Type"/> is <c>limited</c>.</param>
internal sealed record MessageQuotaResponse(string Type, long? Value = null);

internal sealed record QuotaConsumptionResponse(long TotalUsage);


[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(ReplyMessageRequest))]
[JsonSerializable(typeof(PushMessageRequest))]
[JsonSerializable(typeof(SendMessageResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(TranscodingResponse))]
[JsonSerializable(typeof(BotInfo))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(MarkAsReadRequest))]
[JsonSerializable(typeof(ShowLoadingAnimationRequest))]
[JsonSerializable(typeof(MessageQuotaResponse))]
[JsonSerializable(typeof(QuotaConsumptionResponse))]
internal sealed partial class LineApiJsonContext : JsonSerializerContext;
