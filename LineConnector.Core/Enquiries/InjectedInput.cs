using System.Text.Json;
using LineConnector.Core.Inbound;
using LineConnector.Core.Line.Events;
using LineConnector.Core.Queueing;

namespace LineConnector.Core.Enquiries;

/// <summary>A synthetic user input for an enquiry (Cognigy's Inject): a text, or postback data, as if the user had sent it.</summary>
public sealed record InjectRequest
{
    /// <summary>A text message from the user (1 to 5,000 characters).</summary>
    public string? Text { get; init; }

    /// <summary>A postback from the user.</summary>
    public InjectedPostback? Postback { get; init; }
}

/// <param name="Data">The postback's data (1 to 300 characters, LINE's limit for postback actions).</param>
public sealed record InjectedPostback(string? Data);

/// <param name="EventId">The injected event's <c>webhookEventId</c>, also its id when forwarded: the same for a call retried with the same <c>Idempotency-Key</c>.</param>
public sealed record InjectAccepted(string EventId, string EnquiryId);

/// <summary>
/// Turns an injected input into a webhook event of the enquiry's source, marked <c>"injected": true</c>, in
/// a <c>line-inbound</c> message of the conversation's session: the inbound function handles it in order
/// with the user's own events, exactly as one of them (routing, the history, the forward).
/// </summary>
internal static class InjectedInput
{
    public const int MaxTextLength = 5_000;
    public const int MaxPostbackDataLength = 300;

    public static IReadOnlyList<FieldError> Check(InjectRequest input)
    {
        var fields = new List<FieldError>();
        switch (input)
        {
            case { Text: not null, Postback: not null }:
                fields.Add(new("text", "either text or postback, not both"));
                break;
            case { Text: null, Postback: null }:
                fields.Add(new("text", "required: the text the user sends, or a postback {\"data\": ...}"));
                break;
            case { Text: { } text } when text.Length is 0 or > MaxTextLength || string.IsNullOrWhiteSpace(text):
                fields.Add(new("text", $"1 to {MaxTextLength:N0} characters, not blank"));
                break;
            case { Postback: { } postback } when postback.Data is not { Length: > 0 and <= MaxPostbackDataLength }:
                fields.Add(new("postback.data", $"1 to {MaxPostbackDataLength} characters"));
                break;
        }

        return fields;
    }

    /// <summary>The <c>line-inbound</c> message that carries the input into the conversation.</summary>
    /// <param name="botUserId">The channel's bot (the webhook's <c>destination</c>), when known.</param>
    public static QueueMessage Message(StoredEnquiry enquiry, string? botUserId, InjectRequest input, string eventId, DateTimeOffset at)
    {
        var rawEvent = Event(enquiry, input, eventId, at);
        var parsed = WebhookEventReader.Read(rawEvent, out var problem)
            ?? throw new DomainException(DomainError.Unprocessable, $"The injected input cannot be an event of enquiry {enquiry.Id}: {problem!.Reason}.", title: "The input cannot be injected");
        using var document = JsonDocument.Parse(rawEvent);
        var envelope = new InboundEnvelope(enquiry.ChannelId, botUserId ?? "", at, parsed, document.RootElement.Clone());
        return new QueueMessage(
            eventId,
            ConversationSession.Id(enquiry.ChannelId, enquiry.Enquiry.SourceId),
            JsonSerializer.SerializeToUtf8Bytes(envelope, InboundJsonContext.Default.InboundEnvelope));
    }

    /// <summary>The event as LINE would send the user's input, without a reply token (nothing can reply to it), and <c>"injected": true</c>.</summary>
    private static byte[] Event(StoredEnquiry enquiry, InjectRequest input, string eventId, DateTimeOffset at)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", input.Text is not null ? "message" : "postback");
            if (input.Text is { } text)
            {
                json.WriteStartObject("message");
                json.WriteString("type", "text");
                json.WriteString("id", eventId);
                json.WriteString("text", text);
                json.WriteEndObject();
            }
            else
            {
                json.WriteStartObject("postback");
                json.WriteString("data", input.Postback!.Data);
                json.WriteEndObject();
            }

            json.WriteString("webhookEventId", eventId);
            json.WriteStartObject("deliveryContext");
            json.WriteBoolean("isRedelivery", false);
            json.WriteEndObject();
            json.WriteNumber("timestamp", at.ToUnixTimeMilliseconds());
            json.WriteStartObject("source");
            json.WriteString("type", enquiry.SourceType);
            json.WriteString(enquiry.SourceType switch { "group" => "groupId", "room" => "roomId", _ => "userId" }, enquiry.Enquiry.SourceId);
            json.WriteEndObject();
            json.WriteString("mode", WebhookEventReader.ActiveMode);
            json.WriteBoolean("injected", true);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
