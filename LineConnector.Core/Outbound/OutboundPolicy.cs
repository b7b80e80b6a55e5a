using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LineConnector.Core.Line;
using LineConnector.Core.Media;

namespace LineConnector.Core.Outbound;

/// <summary>
/// The channel's outbound limits (DESIGN §5), stricter than LINE's where they differ: text of at
/// most 4,999 UTF-16 code units; text, sticker, image, video and audio messages only; HTTPS URLs
/// of at most 2,000 characters; media judged by probing their bytes (<see cref="MediaRules"/>).
/// Lists longer than five objects are not refused: <see cref="Batches"/> splits them in order.
/// </summary>
/// <remarks>
/// When media cannot be read for a passing reason (timeout, 5xx), <see cref="CheckAsync"/> throws
/// <see cref="MediaFetchException"/> (<see cref="MediaFetchFailure.Unavailable"/>), so the
/// caller retries rather than refusing a message that may be fine.
/// </remarks>
/// <param name="remux">When set, AAC in ADTS passes and is remuxed to M4A and stored by <see cref="PrepareAsync"/>; otherwise it is refused naming the conversion.</param>
public sealed class OutboundPolicy(MediaFetcher fetcher, AudioRemux? remux = null) : IOutboundPolicy
{
    public const int MaxQuickReplyItems = 13;

    private static readonly HashSet<string> RefusedTypes = ["file", "location", "imagemap", "template", "flex"];

    public async Task<OutboundVerdict> CheckAsync(JsonElement messages, CancellationToken cancellationToken)
    {
        if (messages.ValueKind != JsonValueKind.Array)
        {
            return new OutboundVerdict([], ["the messages are not a JSON array"]);
        }

        if (messages.GetArrayLength() == 0)
        {
            return new OutboundVerdict([], ["there are no messages to send"]);
        }

        var verdicts = new List<MessageVerdict>();
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            verdicts.Add(await CheckMessageAsync(index++, message, cancellationToken));
        }

        return new OutboundVerdict(verdicts, []);
    }

    /// <summary>The message objects in LINE requests of at most <see cref="MessageLimits.MaxMessagesPerRequest"/>, in order.</summary>
    public static IReadOnlyList<JsonElement[]> Batches(JsonElement messages) =>
        messages.EnumerateArray().Chunk(MessageLimits.MaxMessagesPerRequest).ToList();

    private async Task<MessageVerdict> CheckMessageAsync(int index, JsonElement message, CancellationToken cancellationToken)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            return new MessageVerdict(index, "unknown", ["the message is not a JSON object"]);
        }

        if (!TryGetString(message, "type", out var type))
        {
            return new MessageVerdict(index, "unknown", ["the message has no 'type'"]);
        }

        var reasons = new List<string>();
        var remuxAdts = false;
        switch (type)
        {
            case "text" or "textV2":
                CheckText(message, type, reasons);
                CheckQuoteToken(message, reasons);
                break;
            case "sticker":
                Require(message, "packageId", reasons);
                Require(message, "stickerId", reasons);
                CheckQuoteToken(message, reasons);
                break;
            case "image":
                await CheckMediaAsync(message, "originalContentUrl", MediaUse.Image, reasons, cancellationToken);
                await CheckMediaAsync(message, "previewImageUrl", MediaUse.ImagePreview, reasons, cancellationToken);
                break;
            case "video":
                await CheckMediaAsync(message, "originalContentUrl", MediaUse.Video, reasons, cancellationToken);
                await CheckMediaAsync(message, "previewImageUrl", MediaUse.ImagePreview, reasons, cancellationToken);
                break;
            case "audio":
                var probe = await CheckMediaAsync(message, "originalContentUrl", MediaUse.Audio, reasons, cancellationToken);
                remuxAdts = remux is not null && probe?.Container == "aac" && reasons.Count == 0;
                // The duration of remuxed audio is computed from its frames.
                if (!remuxAdts && (!message.TryGetProperty("duration", out var duration) || duration.ValueKind != JsonValueKind.Number
                    || !duration.TryGetInt64(out var milliseconds) || milliseconds <= 0))
                {
                    reasons.Insert(0, "'duration' is required: the audio's length in milliseconds, a whole number above 0");
                }

                break;
            default:
                reasons.Add(RefusedTypes.Contains(type)
                    ? $"'{type}' messages are not sent by this channel"
                    : $"'{type}' is not a message type this channel sends (text, sticker, image, video, audio)");
                break;
        }

        if (type is not ("text" or "textV2" or "sticker") && message.TryGetProperty("quoteToken", out _))
        {
            reasons.Add("'quoteToken' is only for text, textV2 and sticker messages");
        }

        CheckQuickReply(message, reasons);
        CheckSender(message, reasons);
        return new MessageVerdict(index, type, reasons) { RemuxAdts = remuxAdts };
    }

    public async Task<PreparedMessages> PrepareAsync(JsonElement messages, OutboundVerdict verdict, string outboundId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        if (remux is null || !verdict.Messages.Any(m => m.RemuxAdts))
        {
            return new PreparedMessages(messages, []);
        }

        var prepared = new List<JsonElement>();
        var reasons = new List<string>();
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            var i = index++;
            if (!verdict.Messages.Any(m => m.Index == i && m.RemuxAdts))
            {
                prepared.Add(message);
                continue;
            }

            var source = new Uri(message.GetProperty("originalContentUrl").GetString()!);
            var name = $"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(outboundId)))[..32]}-{i}.m4a";
            try
            {
                var (url, audio) = await remux.RemuxAsync(source, name, cancellationToken);
                prepared.Add(WithAudio(message, url, audio.DurationMs));
            }
            catch (InvalidDataException e)
            {
                reasons.Add($"messages[{i}] (audio): originalContentUrl: AAC in ADTS that cannot be remuxed to M4A without re-encoding: {e.Message}");
            }
            catch (MediaFetchException e) when (e.Failure != MediaFetchFailure.Unavailable)
            {
                reasons.Add($"messages[{i}] (audio): originalContentUrl: {e.Message}");
            }
        }

        return new PreparedMessages(MessageList.Of(prepared), reasons);
    }

    /// <summary>The audio message with LINE's URL and duration replaced, every other property as given.</summary>
    private static JsonElement WithAudio(JsonElement message, Uri url, long durationMs)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in message.EnumerateObject())
            {
                if (!property.NameEquals("originalContentUrl"u8) && !property.NameEquals("duration"u8))
                {
                    property.WriteTo(writer);
                }
            }

            writer.WriteString("originalContentUrl"u8, url.AbsoluteUri);
            writer.WriteNumber("duration"u8, durationMs);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static void CheckText(JsonElement message, string type, List<string> reasons)
    {
        if (!TryGetString(message, "text", out var text))
        {
            reasons.Add("'text' is required");
            return;
        }

        if (text.Length == 0)
        {
            reasons.Add("the text is empty");
            return;
        }

        // LINE counts UTF-16 code units, as string.Length does: an emoji outside the BMP counts two.
        var length = text.Length;
        var after = "";
        if (type == "textV2")
        {
            var (substituted, problems) = TextV2.Count(text, message.TryGetProperty("substitution", out var substitution) ? substitution : null);
            reasons.AddRange(problems);
            length = substituted;
            after = " after substitution";
        }
        else if (message.TryGetProperty("substitution", out _))
        {
            reasons.Add("'substitution' is only for textV2 messages");
        }

        if (length > MessageLimits.MaxTextLength)
        {
            reasons.Add(Invariant($"the text is {length:N0} UTF-16 code units long{after}; at most {MessageLimits.MaxTextLength:N0} are accepted"));
        }
    }

    /// <summary>A quote token answers one earlier message; the channel checks its shape, LINE whether it is one of its own.</summary>
    private static void CheckQuoteToken(JsonElement message, List<string> reasons)
    {
        if (!message.TryGetProperty("quoteToken", out var token))
        {
            return;
        }

        if (token.ValueKind != JsonValueKind.String || token.GetString() is not { Length: > 0 and <= MessageLimits.MaxQuoteTokenLength } text
            || text.AsSpan().ContainsAnyExceptInRange('!', '~'))
        {
            reasons.Add(Invariant($"'quoteToken' must be the quote token of a message as LINE gave it: 1 to {MessageLimits.MaxQuoteTokenLength:N0} printable ASCII characters without spaces"));
        }
    }

    private async Task<MediaProbeResult?> CheckMediaAsync(JsonElement message, string field, MediaUse use, List<string> reasons, CancellationToken cancellationToken)
    {
        if (!TryGetString(message, field, out var url))
        {
            reasons.Add($"'{field}' is required");
            return null;
        }

        var probe = await MediaProbe.ProbeUrlAsync(url, fetcher, cancellationToken);
        if (probe.FetchFailure == MediaFetchFailure.Unavailable)
        {
            throw new MediaFetchException($"{field}: {string.Join("; ", probe.Problems)}", MediaFetchFailure.Unavailable);
        }

        reasons.AddRange(MediaRules.Check(probe, use, remuxesAdts: remux is not null).Select(reason => $"{field}: {reason}"));
        return probe;
    }

    private void CheckQuickReply(JsonElement message, List<string> reasons)
    {
        if (!message.TryGetProperty("quickReply", out var quickReply))
        {
            return;
        }

        if (quickReply.ValueKind != JsonValueKind.Object || !quickReply.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            reasons.Add("'quickReply' must be an object with an 'items' array");
            return;
        }

        if (items.GetArrayLength() > MaxQuickReplyItems)
        {
            reasons.Add(Invariant($"'quickReply.items' has {items.GetArrayLength()} items; at most {MaxQuickReplyItems} are accepted"));
        }

        var i = 0;
        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object && TryGetString(item, "imageUrl", out var imageUrl) && fetcher.CheckUrl(imageUrl) is { } problem)
            {
                reasons.Add(Invariant($"quickReply.items[{i}].imageUrl: {problem}"));
            }

            i++;
        }
    }

    private void CheckSender(JsonElement message, List<string> reasons)
    {
        if (!message.TryGetProperty("sender", out var sender))
        {
            return;
        }

        if (sender.ValueKind != JsonValueKind.Object)
        {
            reasons.Add("'sender' must be an object");
            return;
        }

        if (TryGetString(sender, "name", out var name) && name.Length > MessageLimits.MaxSenderNameLength)
        {
            reasons.Add(Invariant($"'sender.name' is {name.Length} characters long; at most {MessageLimits.MaxSenderNameLength} are accepted"));
        }

        if (TryGetString(sender, "iconUrl", out var iconUrl) && fetcher.CheckUrl(iconUrl) is { } problem)
        {
            reasons.Add($"sender.iconUrl: {problem}");
        }
    }

    private static void Require(JsonElement message, string field, List<string> reasons)
    {
        if (!TryGetString(message, field, out var value) || value.Length == 0)
        {
            reasons.Add($"'{field}' is required");
        }
    }

    /// <summary>The string property <paramref name="name"/> of <paramref name="element"/>; false when it is absent or not a string.</summary>
    internal static bool TryGetString(JsonElement element, string name, out string value)
    {
        if (element.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.String)
        {
            value = property.GetString()!;
            return true;
        }

        value = string.Empty;
        return false;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
