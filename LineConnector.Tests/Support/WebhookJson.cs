using System.Text;
using LineConnector.Core.Line;

namespace LineConnector.Tests.Support;

/// <summary>Webhook bodies shaped as LINE sends them (webhook.yml), and their signatures.</summary>
public static class WebhookJson
{
    public const string Destination = "U0123456789abcdef0123456789abcdef";

    public static string TextMessage(string userId, string eventId, string text = "Hello", string replyToken = "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA", string mode = "active") =>
        $$"""{"type":"message","message":{"type":"text","id":"468789577898262530","quoteToken":"q3Plxr4AgKd...","text":"{{text}}"},"webhookEventId":"{{eventId}}","deliveryContext":{"isRedelivery":false},"timestamp":1692251666727,"source":{"type":"user","userId":"{{userId}}"},"replyToken":"{{replyToken}}","mode":"{{mode}}"}""";

    public static string GroupMessage(string groupId, string userId, string eventId) =>
        $$"""{"type":"message","message":{"type":"text","id":"1","quoteToken":"q","text":"hi"},"webhookEventId":"{{eventId}}","deliveryContext":{"isRedelivery":false},"timestamp":1692251666727,"source":{"type":"group","groupId":"{{groupId}}","userId":"{{userId}}"},"replyToken":"r","mode":"active"}""";

    public static string Body(params string[] events) =>
        $$"""{"destination":"{{Destination}}","events":[{{string.Join(",", events)}}]}""";

    public static string Sign(string body, string secret) => LineSignature.Compute(Encoding.UTF8.GetBytes(body), secret);
}
