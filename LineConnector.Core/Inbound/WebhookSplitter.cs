using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using LineConnector.Core.Line.Events;
using LineConnector.Core.Queueing;
using LineConnector.Core.Storage;

namespace LineConnector.Core.Inbound;

/// <summary>
/// Splits a verified webhook body into one <c>line-inbound</c> message per event, reading each event
/// once (<see cref="WebhookEventReader"/>): the message carries what the connector read and the event's
/// bytes exactly as LINE sent them. A body that is not a LINE webhook is refused whole; an event the
/// connector cannot use is rejected on its own, and the others go on (DESIGN §6).
/// </summary>
public static class WebhookSplitter
{
    /// <summary>Rejected events kept with their reasons per body (one Table transaction records them); more are only counted.</summary>
    public const int MaxRejectionsKept = TableRules.MaxTransactionOperations;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    public static bool TrySplit(
        string channelId,
        ReadOnlySpan<byte> body,
        DateTimeOffset receivedAt,
        out WebhookBatch batch,
        out string? error)
    {
        batch = WebhookBatch.Empty;
        if (!Utf8.IsValid(body))
        {
            error = $"the body is not UTF-8 (byte {FirstInvalidUtf8(body) + 1})";
            return false;
        }

        string? destination = null;
        List<(int Start, int Length, WebhookEvent Event)>? events = null;
        var rejected = new List<RejectedEvent>();
        var rejectedCount = 0;
        try
        {
            var reader = new Utf8JsonReader(body, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "the body must be a JSON object";
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueIsEscaped && WebhookEventReader.HasLoneSurrogate(reader.ValueSpan))
                {
                    error = "a property name of the body has a lone surrogate escape (\\ud800 to \\udfff without its pair)";
                    return false;
                }

                if (reader.ValueTextEquals("destination"u8))
                {
                    if (destination is not null)
                    {
                        error = "'destination' appears more than once";
                        return false;
                    }

                    reader.Read();
                    if (ReadDestination(ref reader, out error) is not { } read)
                    {
                        return false;
                    }

                    destination = read;
                }
                else if (reader.ValueTextEquals("events"u8))
                {
                    if (events is not null)
                    {
                        error = "'events' appears more than once";
                        return false;
                    }

                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        error = "'events' must be an array";
                        return false;
                    }

                    events = [];
                    for (var position = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; position++)
                    {
                        if (reader.TokenType != JsonTokenType.StartObject)
                        {
                            error = $"events[{position}] must be a JSON object";
                            return false;
                        }

                        var start = (int)reader.TokenStartIndex;
                        var read = WebhookEventReader.Read(ref reader, out var problem);
                        var length = (int)reader.BytesConsumed - start;
                        if (read is not null)
                        {
                            events.Add((start, length, read));
                        }
                        else if (rejectedCount++ < MaxRejectionsKept)
                        {
                            rejected.Add(new RejectedEvent(position, problem!.WebhookEventId ?? ContentId(body.Slice(start, length)), problem.Reason, problem.Type, problem.WebhookEventId));
                        }
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
        }
        catch (JsonException e)
        {
            error = $"the body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})";
            return false;
        }

        if (events is null)
        {
            error = "'events' is missing";
            return false;
        }

        if (destination is null)
        {
            error = "'destination' is missing";
            return false;
        }

        var messages = new QueueMessage[events.Count];
        using var envelope = new EnvelopeWriter(channelId, destination, receivedAt);
        for (var i = 0; i < messages.Length; i++)
        {
            var (start, length, webhookEvent) = events[i];
            var rawEvent = body.Slice(start, length);
            messages[i] = new QueueMessage(
                webhookEvent.WebhookEventId ?? ContentId(rawEvent),
                ConversationSession.Id(channelId, webhookEvent.Source?.ConversationId),
                envelope.Write(webhookEvent, rawEvent));
        }

        batch = new WebhookBatch(destination, messages, rejected, rejectedCount);
        error = null;
        return true;
    }

    /// <summary>The bot's user id the webhook is for; it is compared, logged and passed on, so it must be an id like any other.</summary>
    private static string? ReadDestination(ref Utf8JsonReader reader, out string? error)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            error = "'destination' must be a string";
            return null;
        }

        if (reader.ValueIsEscaped && WebhookEventReader.HasLoneSurrogate(reader.ValueSpan))
        {
            error = "'destination' has a lone surrogate escape (\\ud800 to \\udfff without its pair)";
            return null;
        }

        var destination = reader.ValueSpan.Length <= WebhookEventReader.MaxIdLength * 6 ? reader.GetString()! : null;
        error = destination is null || destination.Length > WebhookEventReader.MaxIdLength
            ? string.Create(CultureInfo.InvariantCulture, $"'destination' is longer than {WebhookEventReader.MaxIdLength} characters")
            : destination.Length == 0 ? "'destination' is empty"
            : TableRules.KeyProblem("'destination'", destination);
        return error is null ? destination : null;
    }

    // LINE always sends webhookEventId; should it be missing, a hash of the event's bytes still
    // lets duplicate detection recognise a redelivery of the same event.
    private static string ContentId(ReadOnlySpan<byte> rawEvent) =>
        "sha256-" + Convert.ToHexStringLower(SHA256.HashData(rawEvent))[..40];

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> body)
    {
        var offset = 0;
        while (Rune.DecodeFromUtf8(body[offset..], out _, out var consumed) == OperationStatus.Done)
        {
            offset += consumed;
        }

        return offset;
    }

    /// <summary>
    /// Writes the <see cref="InboundEnvelope"/> JSON of each event of a webhook: the part that is the same
    /// for all (channel, destination, time), the event as read, and the event's bytes as LINE sent them.
    /// </summary>
    private sealed class EnvelopeWriter : IDisposable
    {
        private readonly byte[] _prefix;
        private readonly ArrayBufferWriter<byte> _parsed = new(512);
        private readonly Utf8JsonWriter _writer;

        public EnvelopeWriter(string channelId, string destination, DateTimeOffset receivedAt)
        {
            var prefix = new ArrayBufferWriter<byte>(160);
            using (var writer = new Utf8JsonWriter(prefix))
            {
                writer.WriteStartObject();
                writer.WriteString("channelId"u8, channelId);
                writer.WriteString("destination"u8, destination);
                writer.WriteString("receivedAt"u8, receivedAt);
                writer.WritePropertyName("parsed"u8);
                writer.WriteNullValue();
            }

            // Drop the placeholder null: each event's own part takes its place.
            _prefix = prefix.WrittenSpan[..^"null".Length].ToArray();
            _writer = new Utf8JsonWriter(_parsed);
        }

        /// <summary>The envelope: the prefix, the event as read, and (the body was read as JSON and UTF-8 already) the event's bytes unchanged.</summary>
        public byte[] Write(WebhookEvent webhookEvent, ReadOnlySpan<byte> rawEvent)
        {
            _parsed.ResetWrittenCount();
            _writer.Reset();
            JsonSerializer.Serialize(_writer, webhookEvent, InboundJsonContext.Default.WebhookEvent);
            var parsed = _parsed.WrittenSpan;
            var envelope = new byte[_prefix.Length + parsed.Length + EventProperty.Length + rawEvent.Length + 1];
            var rest = envelope.AsSpan();
            _prefix.CopyTo(rest);
            rest = rest[_prefix.Length..];
            parsed.CopyTo(rest);
            rest = rest[parsed.Length..];
            EventProperty.CopyTo(rest);
            rest = rest[EventProperty.Length..];
            rawEvent.CopyTo(rest);
            rest[^1] = (byte)'}';
            return envelope;
        }

        private static ReadOnlySpan<byte> EventProperty => ",\"event\":"u8;

        public void Dispose() => _writer.Dispose();
    }
}

/// <param name="Destination">The bot user id the webhook was sent for.</param>
/// <param name="Messages">One per usable event, in the webhook's order.</param>
/// <param name="Rejected">The first <see cref="WebhookSplitter.MaxRejectionsKept"/> events that cannot be used, in the webhook's order.</param>
/// <param name="RejectedCount">How many events cannot be used, all told.</param>
public sealed record WebhookBatch(string Destination, IReadOnlyList<QueueMessage> Messages, IReadOnlyList<RejectedEvent> Rejected, int RejectedCount)
{
    public static readonly WebhookBatch Empty = new("", [], [], 0);
}

/// <summary>An event of a webhook that the connector cannot use, and why.</summary>
/// <param name="Position">Its index in the body's <c>events</c>.</param>
/// <param name="Key">Its <c>webhookEventId</c> when that could be read, else a hash of its bytes: the same on every redelivery.</param>
/// <param name="Type">Its <c>type</c>, when that could be read.</param>
/// <param name="WebhookEventId">Its <c>webhookEventId</c>, when that could be read.</param>
public sealed record RejectedEvent(int Position, string Key, string Reason, string? Type, string? WebhookEventId)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"events[{Position}] ({WebhookEventId ?? Key}): {Reason}");
}
