using System.Globalization;
using System.Text.Json;
using LineConnector.Core.Queueing;
using LineConnector.Core.Storage;

namespace LineConnector.Core.Line.Events;

/// <summary>
/// Reads one webhook event into a <see cref="WebhookEvent"/>, in one pass over its bytes, or says why
/// the connector cannot use it (docs/configuration.md, "Webhook events the connector reads"). It reads
/// <c>type</c>, <c>mode</c>, <c>webhookEventId</c>, <c>source</c>, and where the type has them the
/// <c>replyToken</c> and the message's <c>type</c>, <c>id</c> and <c>contentProvider.type</c>. Every other
/// field goes to destinations as LINE sent it, so it only has to be JSON that can be written again: no
/// string anywhere may hold a lone surrogate escape (half of a UTF-16 pair, which no JSON writer writes).
/// </summary>
public static class WebhookEventReader
{
    public const string ActiveMode = "active";
    public const string StandbyMode = "standby";
    public const string UserSource = "user";
    public const string GroupSource = "group";
    public const string RoomSource = "room";

    /// <summary>The longest <c>type</c> read; LINE's are single words.</summary>
    public const int MaxTypeLength = 64;

    /// <summary>
    /// The longest id read (<c>webhookEventId</c>, user, group and room ids, reply token, message id); LINE's
    /// have 18 to 33 characters. Ids become Table Storage keys and, after <c>{channelId}:</c>, Service Bus session ids.
    /// </summary>
    public const int MaxIdLength = ConversationSession.MaxConversationIdLength;

    /// <summary>The longest <c>markAsReadToken</c> kept; LINE's are far shorter.</summary>
    public const int MaxTokenLength = 1000;

    private const string LoneSurrogate = "a lone surrogate escape (\\ud800 to \\udfff without its pair)";

    /// <summary>
    /// Reads the event whose <see cref="JsonTokenType.StartObject"/> <paramref name="reader"/> is on, and
    /// leaves the reader on its <see cref="JsonTokenType.EndObject"/>. Null, with the first reason found,
    /// when the event cannot be used. JSON that is not well-formed throws <see cref="JsonException"/>.
    /// </summary>
    public static WebhookEvent? Read(ref Utf8JsonReader reader, out EventProblem? problem)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new ArgumentException("The reader must be on the event's opening brace.", nameof(reader));
        }

        var scan = new Scan();
        while (NextProperty(ref reader, ref scan, null))
        {
            if (Is(ref reader, "type"u8))
            {
                scan.Type = ReadText(ref reader, ref scan, "type", ref scan.Seen.Type);
            }
            else if (Is(ref reader, "mode"u8))
            {
                scan.Mode = ReadText(ref reader, ref scan, "mode", ref scan.Seen.Mode);
                if (scan.Mode is not (null or ActiveMode or StandbyMode))
                {
                    scan.Fail($"'mode' is '{scan.Mode}', not '{ActiveMode}' or '{StandbyMode}'");
                }
            }
            else if (Is(ref reader, "webhookEventId"u8))
            {
                scan.WebhookEventId = ReadId(ref reader, ref scan, "webhookEventId", ref scan.Seen.WebhookEventId);
            }
            else if (Is(ref reader, "source"u8))
            {
                scan.Source = ReadSource(ref reader, ref scan);
            }
            else if (Is(ref reader, "replyToken"u8))
            {
                // Its problems count only if the type turns out to carry a reply token (the type may come later).
                scan.Into = Field.ReplyToken;
                scan.ReplyToken = ReadId(ref reader, ref scan, "replyToken", ref scan.Seen.ReplyToken);
                scan.Into = Field.Event;
            }
            else if (Is(ref reader, "message"u8))
            {
                scan.Into = Field.Message;
                scan.Message = ReadMessage(ref reader, ref scan);
                scan.Into = Field.Event;
            }
            else
            {
                reader.Read();
                SkipChecked(ref reader, ref scan);
            }
        }

        var kind = WebhookEventKinds.Of(scan.Type);
        var carriesReplyToken = WebhookEventKinds.CarriesReplyToken(kind);
        var carriesMessage = WebhookEventKinds.CarriesMessage(kind);
        var reason = scan.Problem
            ?? (scan.Type is null ? "'type' is missing" : null)
            ?? (carriesMessage ? scan.MessageProblem ?? (scan.Message is null ? $"a '{scan.Type}' event needs its 'message'" : null) : null)
            ?? (carriesReplyToken ? scan.ReplyTokenProblem : null);
        if (reason is not null)
        {
            problem = new EventProblem(reason, scan.Type, scan.WebhookEventId);
            return null;
        }

        problem = null;

        return new WebhookEvent
        {
            Type = scan.Type!,
            Mode = scan.Mode ?? ActiveMode,
            WebhookEventId = scan.WebhookEventId,
            Source = scan.Source,
            ReplyToken = carriesReplyToken ? scan.ReplyToken : null,
            Message = carriesMessage ? scan.Message : null,
        };
    }

    /// <summary>Reads an event from its UTF-8 JSON; null with the reason when it cannot be used.</summary>
    /// <exception cref="JsonException">The bytes are not one JSON object.</exception>
    public static WebhookEvent? Read(ReadOnlySpan<byte> utf8Json, out EventProblem? problem)
    {
        var reader = new Utf8JsonReader(utf8Json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("An event must be a JSON object.");
        }

        var read = Read(ref reader, out problem);
        while (reader.Read())
        {
            // Reading to the end rejects trailing content.
        }

        return read;
    }

    private static string? ReadText(ref Utf8JsonReader reader, ref Scan scan, string path, ref bool seen)
    {
        if (!ReadOnce(ref reader, ref scan, path, ref seen) || ReadString(ref reader, ref scan, path, MaxTypeLength) is not { } text)
        {
            return null;
        }

        var problem = text.Length == 0 ? $"'{path}' is empty"
            : HasControl(text) ? $"'{path}' has a control character"
            : null;
        if (problem is not null)
        {
            scan.Fail(problem);
            return null;
        }

        return text;
    }

    private static string? ReadId(ref Utf8JsonReader reader, ref Scan scan, string path, ref bool seen)
    {
        if (!ReadOnce(ref reader, ref scan, path, ref seen) || ReadString(ref reader, ref scan, path, MaxIdLength) is not { } id)
        {
            return null;
        }

        var problem = id.Length == 0 ? $"'{path}' is empty" : TableRules.KeyProblem($"'{path}'", id);
        if (problem is not null)
        {
            scan.Fail(problem);
            return null;
        }

        return id;
    }

    private static EventSource? ReadSource(ref Utf8JsonReader reader, ref Scan scan)
    {
        if (!ReadOnce(ref reader, ref scan, "source", ref scan.Seen.Source) || !ReadObject(ref reader, ref scan, "source"))
        {
            return null;
        }

        string? type = null, userId = null, groupId = null, roomId = null;
        var seen = default(SourceSeen);
        while (NextProperty(ref reader, ref scan, "source"))
        {
            if (Is(ref reader, "type"u8))
            {
                type = ReadText(ref reader, ref scan, "source.type", ref seen.Type);
            }
            else if (Is(ref reader, "userId"u8))
            {
                userId = ReadId(ref reader, ref scan, "source.userId", ref seen.UserId);
            }
            else if (Is(ref reader, "groupId"u8))
            {
                groupId = ReadId(ref reader, ref scan, "source.groupId", ref seen.GroupId);
            }
            else if (Is(ref reader, "roomId"u8))
            {
                roomId = ReadId(ref reader, ref scan, "source.roomId", ref seen.RoomId);
            }
            else
            {
                reader.Read();
                SkipChecked(ref reader, ref scan);
            }
        }

        // webhook.yml: a user source may lack its user id; a group or a room always names itself.
        var missing = !seen.Type ? "'source.type' is missing"
            : type == GroupSource && !seen.GroupId ? "a group source needs its 'source.groupId'"
            : type == RoomSource && !seen.RoomId ? "a room source needs its 'source.roomId'"
            : type is not (null or UserSource or GroupSource or RoomSource) ? $"'source.type' is '{type}', not '{UserSource}', '{GroupSource}' or '{RoomSource}'"
            : null;
        if (missing is not null)
        {
            scan.Fail(missing);
        }

        if (scan.Problem is not null)
        {
            return null;
        }

        return new EventSource { Type = type!, UserId = userId, GroupId = groupId, RoomId = roomId };
    }

    private static EventMessage? ReadMessage(ref Utf8JsonReader reader, ref Scan scan)
    {
        if (!ReadOnce(ref reader, ref scan, "message", ref scan.Seen.Message) || !ReadObject(ref reader, ref scan, "message"))
        {
            return null;
        }

        string? type = null, id = null, provider = null, markAsReadToken = null;
        var seen = default(MessageSeen);
        while (NextProperty(ref reader, ref scan, "message"))
        {
            if (Is(ref reader, "type"u8))
            {
                type = ReadText(ref reader, ref scan, "message.type", ref seen.Type);
            }
            else if (Is(ref reader, "id"u8))
            {
                id = ReadId(ref reader, ref scan, "message.id", ref seen.Id);
            }
            else if (Is(ref reader, "contentProvider"u8))
            {
                provider = ReadContentProvider(ref reader, ref scan, ref seen.ContentProvider);
            }
            else if (Is(ref reader, "markAsReadToken"u8))
            {
                reader.Read();
                markAsReadToken = ReadToken(ref reader, ref scan);
            }
            else
            {
                reader.Read();
                SkipChecked(ref reader, ref scan);
            }
        }

        if (!seen.Type || !seen.Id)
        {
            scan.Fail(!seen.Type ? "'message.type' is missing" : "'message.id' is missing");
        }

        return scan.MessageProblem is null && scan.Problem is null ? new EventMessage { Type = type!, Id = id!, ContentProvider = provider, MarkAsReadToken = markAsReadToken } : null;
    }

    /// <summary>
    /// A token the connector passes back to LINE (<c>markAsReadToken</c>): kept when it is a string of printable
    /// ASCII without spaces, at most <see cref="MaxTokenLength"/> long; anything else is not kept (and not
    /// sent back), but never makes the event unusable: it only serves LINE's read receipts.
    /// </summary>
    private static string? ReadToken(ref Utf8JsonReader reader, ref Scan scan)
    {
        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped || reader.ValueSpan.Length is 0 or > MaxTokenLength
            || reader.ValueSpan.ContainsAnyExceptInRange((byte)'!', (byte)'~'))
        {
            SkipChecked(ref reader, ref scan);
            return null;
        }

        return reader.GetString();
    }

    private static string? ReadContentProvider(ref Utf8JsonReader reader, ref Scan scan, ref bool seen)
    {
        if (!ReadOnce(ref reader, ref scan, "message.contentProvider", ref seen) || !ReadObject(ref reader, ref scan, "message.contentProvider"))
        {
            return null;
        }

        string? type = null;
        var seenType = false;
        while (NextProperty(ref reader, ref scan, "message.contentProvider"))
        {
            if (Is(ref reader, "type"u8))
            {
                type = ReadText(ref reader, ref scan, "message.contentProvider.type", ref seenType);
            }
            else
            {
                reader.Read();
                SkipChecked(ref reader, ref scan);
            }
        }

        if (!seenType)
        {
            scan.Fail("'message.contentProvider.type' is missing");
        }

        return type;
    }

    /// <summary>
    /// Moves to the next property of the object being read; false at its end. A property whose name has
    /// a lone surrogate makes the event unusable and is skipped.
    /// </summary>
    private static bool NextProperty(ref Utf8JsonReader reader, ref Scan scan, string? inside)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.ValueIsEscaped || !HasLoneSurrogate(reader.ValueSpan))
            {
                return true;
            }

            scan.FailAlways(inside is null ? $"a property name has {LoneSurrogate}" : $"a property name in '{inside}' has {LoneSurrogate}");
            reader.Read();
            SkipChecked(ref reader, ref scan);
        }

        return false;
    }

    /// <summary>Moves to the value of the property the reader is on; false (and the value skipped) when the property came before.</summary>
    private static bool ReadOnce(ref Utf8JsonReader reader, ref Scan scan, string path, ref bool seen)
    {
        reader.Read();
        if (seen)
        {
            // Two values for one field: a destination might take the other one than the connector.
            scan.Fail($"'{path}' appears more than once");
            SkipChecked(ref reader, ref scan);
            return false;
        }

        seen = true;
        return true;
    }

    /// <summary>True when the reader is on the opening brace of an object; else the value is skipped and the field fails.</summary>
    private static bool ReadObject(ref Utf8JsonReader reader, ref Scan scan, string path)
    {
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            return true;
        }

        scan.Fail($"'{path}' must be an object, not {Describe(reader.TokenType)}");
        SkipChecked(ref reader, ref scan);
        return false;
    }

    /// <summary>The string the reader is on, at most <paramref name="maxLength"/> characters; else null and the field fails.</summary>
    private static string? ReadString(ref Utf8JsonReader reader, ref Scan scan, string path, int maxLength)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            scan.Fail($"'{path}' must be a string, not {Describe(reader.TokenType)}");
            SkipChecked(ref reader, ref scan);
            return null;
        }

        if (reader.ValueIsEscaped && HasLoneSurrogate(reader.ValueSpan))
        {
            scan.FailAlways($"'{path}' has {LoneSurrogate}");
            return null;
        }

        // A character takes at most 6 bytes (\uXXXX): a longer value is too long without decoding it.
        var text = reader.ValueSpan.Length <= maxLength * 6 ? reader.GetString()! : null;
        if (text is null || text.Length > maxLength)
        {
            scan.Fail($"'{path}' is longer than {maxLength.ToString(CultureInfo.InvariantCulture)} characters");
            return null;
        }

        return text;
    }

    /// <summary>Whether the property name the reader is on is <paramref name="name"/> (compared as bytes unless it has escapes).</summary>
    private static bool Is(ref Utf8JsonReader reader, ReadOnlySpan<byte> name) =>
        reader.ValueIsEscaped ? reader.ValueTextEquals(name) : reader.ValueSpan.SequenceEqual(name);

    private static bool HasControl(string text)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Skips the value the reader is on and all inside it; a string in it with a lone surrogate makes the event unusable.</summary>
    private static void SkipChecked(ref Utf8JsonReader reader, ref Scan scan)
    {
        CheckString(ref reader, ref scan);
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return;
        }

        // Inside the value every token is deeper; its closing token is back at the value's depth.
        var depth = reader.CurrentDepth;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            CheckString(ref reader, ref scan);
        }
    }

    private static void CheckString(ref Utf8JsonReader reader, ref Scan scan)
    {
        if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped && scan.Problem is null && HasLoneSurrogate(reader.ValueSpan))
        {
            scan.FailAlways($"a string in the event has {LoneSurrogate}");
        }
    }

    /// <summary>
    /// Whether the escaped bytes of a JSON string hold a <c>\uD800</c>-<c>\uDFFF</c> escape that is not half of
    /// a high-then-low pair. (Unescaped UTF-8 cannot encode a surrogate: the body's UTF-8 is checked first.)
    /// </summary>
    internal static bool HasLoneSurrogate(ReadOnlySpan<byte> escaped)
    {
        var pendingHigh = false;
        for (var i = 0; i < escaped.Length; i++)
        {
            char? unit = null;
            if (escaped[i] == (byte)'\\')
            {
                // The reader has checked the escapes: a backslash is followed by one character, or by u and four hex digits.
                if (escaped[i + 1] == (byte)'u')
                {
                    unit = (char)((Hex(escaped[i + 2]) << 12) | (Hex(escaped[i + 3]) << 8) | (Hex(escaped[i + 4]) << 4) | Hex(escaped[i + 5]));
                    i += 5;
                }
                else
                {
                    i++;
                }
            }

            if (unit is { } u && char.IsLowSurrogate(u))
            {
                if (!pendingHigh)
                {
                    return true;
                }

                pendingHigh = false;
            }
            else if (pendingHigh)
            {
                return true;
            }
            else
            {
                pendingHigh = unit is { } high && char.IsHighSurrogate(high);
            }
        }

        return pendingHigh;
    }

    private static int Hex(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        _ => "null",
    };

    /// <summary>Which field a problem belongs to: the reply token's and the message's count only for types that carry them.</summary>
    private enum Field
    {
        Event,
        ReplyToken,
        Message,
    }

    private struct Scan
    {
        public string? Problem;
        public string? ReplyTokenProblem;
        public string? MessageProblem;
        public Field Into;
        public string? Type;
        public string? Mode;
        public string? WebhookEventId;
        public string? ReplyToken;
        public EventSource? Source;
        public EventMessage? Message;
        public EventSeen Seen;

        /// <summary>Keeps the first reason for the field being read: it is the one reported.</summary>
        public void Fail(string problem)
        {
            switch (Into)
            {
                case Field.ReplyToken:
                    ReplyTokenProblem ??= problem;
                    break;
                case Field.Message:
                    MessageProblem ??= problem;
                    break;
                default:
                    Problem ??= problem;
                    break;
            }
        }

        /// <summary>A problem that makes the event unusable whatever its type (it could not be forwarded).</summary>
        public void FailAlways(string problem) => Problem ??= problem;
    }

    private struct EventSeen
    {
        public bool Type;
        public bool Mode;
        public bool WebhookEventId;
        public bool ReplyToken;
        public bool Source;
        public bool Message;
    }

    private struct SourceSeen
    {
        public bool Type;
        public bool UserId;
        public bool GroupId;
        public bool RoomId;
    }

    private struct MessageSeen
    {
        public bool Type;
        public bool Id;
        public bool ContentProvider;
    }
}
