using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using LineConnector.Core.Queueing;

namespace LineConnector.Core.Inbound;

/// <summary>
/// Splits a verified webhook body into one <c>line-inbound</c> message per event without
/// re-serializing the events: each event's bytes are copied as LINE sent them.
/// </summary>
public static class WebhookSplitter
{
    /// <summary>The session of events that have no <c>source</c> (e.g. module events).</summary>
    public const string NoSourceSession = "_channel";

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    public static bool TrySplit(
        string channelId,
        ReadOnlySpan<byte> body,
        DateTimeOffset receivedAt,
        out WebhookBatch batch,
        out string? error)
    {
        batch = WebhookBatch.Empty;
        try
        {
            var reader = new Utf8JsonReader(body, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "the body must be a JSON object";
                return false;
            }

            string? destination = null;
            List<EventSlice>? events = null;
            var sawEvents = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("destination"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        error = "'destination' must be a string";
                        return false;
                    }

                    destination = reader.GetString();
                }
                else if (reader.ValueTextEquals("events"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        error = "'events' must be an array";
                        return false;
                    }

                    sawEvents = true;
                    events = [];
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (reader.TokenType != JsonTokenType.StartObject)
                        {
                            error = $"events[{events.Count}] must be a JSON object";
                            return false;
                        }

                        events.Add(ReadEvent(ref reader, body, channelId));
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            // Reading past the root object rejects trailing content.
            while (reader.Read())
            {
            }

            if (!sawEvents)
            {
                error = "'events' is missing";
                return false;
            }

            if (destination is null)
            {
                error = "'destination' is missing";
                return false;
            }

            var prefix = EnvelopePrefix(channelId, destination, receivedAt);
            var messages = new QueueMessage[events!.Count];
            for (var i = 0; i < messages.Length; i++)
            {
                var e = events[i];
                messages[i] = new QueueMessage(e.MessageId, e.SessionId, Envelope(prefix, body.Slice(e.Start, e.Length)));
            }

            batch = new WebhookBatch(destination, messages);
            error = null;
            return true;
        }
        catch (JsonException e)
        {
            error = $"the body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})";
            return false;
        }
    }

    private static EventSlice ReadEvent(ref Utf8JsonReader reader, ReadOnlySpan<byte> body, string channelId)
    {
        var start = (int)reader.TokenStartIndex;
        string? webhookEventId = null;
        string? sourceType = null, userId = null, groupId = null, roomId = null;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("webhookEventId"u8))
            {
                reader.Read();
                webhookEventId = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("source"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    ref var slot = ref sourceType;
                    if (reader.ValueTextEquals("userId"u8)) slot = ref userId;
                    else if (reader.ValueTextEquals("groupId"u8)) slot = ref groupId;
                    else if (reader.ValueTextEquals("roomId"u8)) slot = ref roomId;
                    else if (!reader.ValueTextEquals("type"u8))
                    {
                        reader.Read();
                        reader.Skip();
                        continue;
                    }

                    reader.Read();
                    slot = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        var length = (int)reader.BytesConsumed - start;
        var conversation = sourceType switch
        {
            "group" => groupId,
            "room" => roomId,
            _ => userId ?? groupId ?? roomId,
        };

        var sessionId = $"{channelId}:{(string.IsNullOrEmpty(conversation) ? NoSourceSession : conversation)}";
        var messageId = string.IsNullOrEmpty(webhookEventId) || webhookEventId.Length > QueueMessage.MaxIdLength
            ? ContentId(body.Slice(start, length))
            : webhookEventId;
        return new EventSlice(start, length, messageId, sessionId);
    }

    // LINE always sends webhookEventId; should it be missing, a hash of the event's bytes still
    // lets duplicate detection recognise a redelivery of the same event.
    private static string ContentId(ReadOnlySpan<byte> rawEvent) =>
        "sha256-" + Convert.ToHexStringLower(SHA256.HashData(rawEvent))[..40];

    /// <summary>The envelope up to its <c>"event":</c> property; the same for every event of a webhook.</summary>
    private static byte[] EnvelopePrefix(string channelId, string destination, DateTimeOffset receivedAt)
    {
        var buffer = new ArrayBufferWriter<byte>(160);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("channelId"u8, channelId);
            writer.WriteString("destination"u8, destination);
            writer.WriteString("receivedAt"u8, receivedAt);
            writer.WritePropertyName("event"u8);
            writer.WriteNullValue();
        }

        // Drop the placeholder null: the event's raw bytes take its place.
        return buffer.WrittenSpan[..^"null".Length].ToArray();
    }

    /// <summary>The <see cref="InboundEnvelope"/> JSON: the prefix, the event exactly as LINE sent it, and the closing brace.</summary>
    private static byte[] Envelope(byte[] prefix, ReadOnlySpan<byte> rawEvent)
    {
        var envelope = new byte[prefix.Length + rawEvent.Length + 1];
        prefix.CopyTo(envelope, 0);
        rawEvent.CopyTo(envelope.AsSpan(prefix.Length));
        envelope[^1] = (byte)'}';
        return envelope;
    }

    private readonly record struct EventSlice(int Start, int Length, string MessageId, string SessionId);
}

/// <param name="Destination">The bot user id the webhook was sent for.</param>
/// <param name="Messages">One per event, in the webhook's order.</param>
public sealed record WebhookBatch(string Destination, IReadOnlyList<QueueMessage> Messages)
{
    public static readonly WebhookBatch Empty = new("", []);
}
