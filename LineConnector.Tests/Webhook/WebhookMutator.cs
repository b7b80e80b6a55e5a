using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using LineConnector.Tests.Support;

namespace LineConnector.Tests.Webhook;

/// <summary>A LINE conversation the fuzzer writes in: a user, or a user in a group or a room.</summary>
public sealed record FuzzConversation(string Type, string Id, string UserId)
{
    public string SourceJson => Type switch
    {
        "group" => $$"""{"type":"group","groupId":"{{Id}}","userId":"{{UserId}}"}""",
        "room" => $$"""{"type":"room","roomId":"{{Id}}","userId":"{{UserId}}"}""",
        _ => $$"""{"type":"user","userId":"{{Id}}"}""",
    };
}

/// <summary>
/// Makes webhook bodies from LINE's own events (webhook.yml and the LINE documentation's examples, as in
/// the reader's tests) and mutates them, reproducibly from a seed: fields removed, retyped, emptied,
/// made too long, given characters Table keys forbid, control characters or lone surrogates; events
/// duplicated or replaced; properties repeated; and now and then the bytes themselves broken.
/// </summary>
public sealed class WebhookMutator(int seed)
{
    private const string LoneHigh = "@@LONE-HIGH@@";
    private const string LoneLow = "@@LONE-LOW@@";

    // The events of webhook.yml with %SOURCE%, %ID% and %REPLY% to fill in.
    private static readonly string[] Seeds =
    [
        """{"type":"message","message":{"type":"text","id":"444573844083572737","quoteToken":"q3Plxr4AgKd","text":"@example Hello, world! (love)","emojis":[{"index":29,"length":6,"productId":"5ac1bfd5040ab15980c9b435","emojiId":"001"}],"mention":{"mentionees":[{"index":0,"length":8,"type":"user","userId":"U49585cd0d5","isSelf":false},{"index":9,"length":4,"type":"all"}]},"quotedMessageId":"468789577898262530","markAsReadToken":"30yhdy232"},"webhookEventId":"%ID%","deliveryContext":{"isRedelivery":false},"timestamp":1692251666727,"source":%SOURCE%,"replyToken":"%REPLY%","mode":"active"}""",
        """{"type":"message","message":{"type":"image","id":"354718705033693859","quoteToken":"q","contentProvider":{"type":"line"},"imageSet":{"id":"E005D41A","index":1,"total":2}},"webhookEventId":"%ID%","deliveryContext":{"isRedelivery":false},"timestamp":1692251666727,"source":%SOURCE%,"replyToken":"%REPLY%","mode":"active"}""",
        """{"type":"message","message":{"type":"video","id":"325708","duration":60000,"quoteToken":"q","contentProvider":{"type":"external","originalContentUrl":"https://example.com/original.mp4","previewImageUrl":"https://example.com/preview.jpg"}},"webhookEventId":"%ID%","deliveryContext":{"isRedelivery":false},"timestamp":1692251666727,"source":%SOURCE%,"replyToken":"%REPLY%","mode":"active"}""",
        """{"type":"message","message":{"type":"audio","id":"325709","duration":60000,"contentProvider":{"type":"line"}},"webhookEventId":"%ID%","deliveryContext":{"isRedelivery":false},"timestamp":1692251666727,"source":%SOURCE%,"replyToken":"%REPLY%","mode":"active"}""",
        """{"type":"message","message":{"type":"file","id":"325710","fileName":"file.txt","fileSize":2138},"webhookEventId":"%ID%","deliveryContext":{"isRedelivery":false},"timestamp":1692251666727,"source":%SOURCE%,"replyToken":"%REPLY%","mode":"active"}""",
        """{"type":"message","message":{"type":"location","id":"325711","title":"my location","address":"日本、〒102-8282 東京都千代田区","latitude":35.67966,"longitude":139.73669},"webhookEventId":"%ID%","deliveryContext":{"isRedelivery":false},"timestamp":1692251666727,"source":%SOURCE%,"replyToken":"%REPLY%","mode":"active"}""",
        """{"type":"message","message":{"type":"sticker","id":"1501597916","quoteToken":"q","stickerId":"52002738","packageId":"11537","stickerResourceType":"ANIMATION","keywords":["cony","sally"],"text":"Let's hang out"},"webhookEventId":"%ID%","deliveryContext":{"isRedelivery":false},"timestamp":1692251666727,"source":%SOURCE%,"replyToken":"%REPLY%","mode":"active"}""",
        """{"type":"message","message":{"type":"hologram","id":"77","depth":3},"webhookEventId":"%ID%","deliveryContext":{"isRedelivery":false},"timestamp":1692251666727,"source":%SOURCE%,"replyToken":"%REPLY%","mode":"standby"}""",
        """{"type":"messageEdited","message":{"type":"text","id":"444573844083572737","quoteToken":"q","text":"edited"},"webhookEventId":"%ID%","deliveryContext":{"isRedelivery":true},"timestamp":1692251666727,"source":%SOURCE%,"replyToken":"%REPLY%","mode":"active"}""",
        """{"type":"unsend","unsend":{"messageId":"325708"},"webhookEventId":"%ID%","deliveryContext":{"isRedelivery":false},"timestamp":1462629479859,"source":%SOURCE%,"mode":"active"}""",
        """{"type":"follow","follow":{"isUnblocked":true},"webhookEventId":"%ID%","deliveryContext":{"isRedelivery":false},"timestamp":1462629479859,"source":%SOURCE%,"replyToken":"%REPLY%","mode":"active"}""",
        """{"type":"unfollow","webhookEventId":"%ID%","deliveryContext":{"isRedelivery":false},"timestamp":1462629479859,"source":%SOURCE%,"mode":"active"}""",
        """{"type":"join","webhookEventId":"%ID%","deliveryContext":{"isRedelivery":false},"timestamp":1462629479859,"source":%SOURCE%,"replyToken":"%REPLY%","mode":"active"}""",
        """{"type":"leave","webhookEventId":"%ID%","deliveryContext":{"isRedelivery":false},"timestamp":1462629479859,"source":%SOURCE%,"mode":"active"}""",
        """{"type":"memberJoined","joined":{"members":[{"type":"user","userId":"U4af4980629"},{"type":"user","userId":"U91eeaf62d9"}]},"webhookEventId":"%ID%","deliveryContext":{"isRedelivery":false},"timestamp":1462629479859,"source":%SOURCE%,"replyToken":"%REPLY%","mode":"active"}""",
        """{"type":"memberLeft","left":{"members":[{"type":"user","userId":"U4af4980629"}]},"webhookEventId":"%ID%","deliveryContext":{"isRedelivery":false},"timestamp":1462629479859,"source":%SOURCE%,"mode":"active"}""",
        """{"type":"postback","postback":{"data":"storeId=12345","params":{"datetime":"2017-12-25T01:00"}},"webhookEventId":"%ID%","deliveryContext":{"isRedelivery":false},"timestamp":1462629479859,"source":%SOURCE%,"replyToken":"%REPLY%","mode":"active"}""",
        """{"type":"videoPlayComplete","videoPlayComplete":{"trackingId":"track-id"},"webhookEventId":"%ID%","deliveryContext":{"isRedelivery":false},"timestamp":1462629479859,"source":%SOURCE%,"replyToken":"%REPLY%","mode":"active"}""",
        """{"type":"beacon","beacon":{"hwid":"d41d8cd98f","type":"enter","dm":"1234"},"webhookEventId":"%ID%","deliveryContext":{"isRedelivery":false},"timestamp":1462629479859,"source":%SOURCE%,"replyToken":"%REPLY%","mode":"active"}""",
        """{"type":"accountLink","link":{"result":"ok","nonce":"xxxxxxxxxxxxxxx"},"webhookEventId":"%ID%","deliveryContext":{"isRedelivery":false},"timestamp":1462629479859,"source":%SOURCE%,"replyToken":"%REPLY%","mode":"active"}""",
        """{"type":"membership","membership":{"type":"joined","membershipId":3189},"webhookEventId":"%ID%","deliveryContext":{"isRedelivery":false},"timestamp":1462629479859,"source":%SOURCE%,"replyToken":"%REPLY%","mode":"active"}""",
        """{"type":"module","module":{"type":"attached","botId":"U111","scopes":["message:send"]},"webhookEventId":"%ID%","deliveryContext":{"isRedelivery":false},"timestamp":1462629479859,"mode":"active"}""",
        """{"type":"module","module":{"type":"detached","botId":"U111","reason":"bot_deleted"},"webhookEventId":"%ID%","deliveryContext":{"isRedelivery":false},"timestamp":1462629479859,"mode":"active"}""",
        """{"type":"activated","chatControl":{"expireAt":1462629479960},"webhookEventId":"%ID%","deliveryContext":{"isRedelivery":false},"timestamp":1462629479859,"source":%SOURCE%,"mode":"active"}""",
        """{"type":"deactivated","webhookEventId":"%ID%","deliveryContext":{"isRedelivery":false},"timestamp":1462629479859,"source":%SOURCE%,"mode":"active"}""",
        """{"type":"botSuspended","webhookEventId":"%ID%","deliveryContext":{"isRedelivery":false},"timestamp":1462629479859,"mode":"active"}""",
        """{"type":"botResumed","webhookEventId":"%ID%","deliveryContext":{"isRedelivery":false},"timestamp":1462629479859,"mode":"active"}""",
        """{"type":"delivery","delivery":{"data":"8b34f2b0-bf5d-4c9c-b0e0-aef5f0d1ce86"},"webhookEventId":"%ID%","deliveryContext":{"isRedelivery":false},"timestamp":1462629479859,"source":%SOURCE%,"mode":"active"}""",
        """{"type":"teleport","destination":{"x":1},"webhookEventId":"%ID%","deliveryContext":{"isRedelivery":false},"timestamp":1462629479859,"source":%SOURCE%,"mode":"active"}""",
    ];

    private static readonly string[] Fields = ["type", "mode", "webhookEventId", "replyToken", "source", "message", "timestamp", "deliveryContext"];

    private static readonly string[] NestedFields = ["source.type", "source.userId", "source.groupId", "source.roomId", "message.type", "message.id", "message.text", "message.contentProvider", "message.contentProvider.type"];

    private static readonly JsonSerializerOptions Writing = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, MaxDepth = 256 };

    private readonly Random _random = new(seed);
    private int _conversations;

    /// <summary>Half the time a conversation never seen before (its first event opens its enquiry), else one of a few that come back.</summary>
    public FuzzConversation NextConversation()
    {
        var n = _random.Next(2) == 0 ? 64 + _conversations++ : _random.Next(64);
        var user = Id('U', n);
        return _random.Next(10) switch
        {
            < 7 => new FuzzConversation("user", user, user),
            < 9 => new FuzzConversation("group", Id('C', n), user),
            _ => new FuzzConversation("room", Id('R', n), user),
        };
    }

    private static string Id(char kind, int n) => kind + n.ToString("x32", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A plain text message in <paramref name="conversation"/>: it must reach the destination whatever came before.</summary>
    public static string NormalEvent(FuzzConversation conversation, string eventId) =>
        Seeds[0].Replace("%SOURCE%", conversation.SourceJson, StringComparison.Ordinal).Replace("%ID%", eventId, StringComparison.Ordinal).Replace("%REPLY%", "reply-" + eventId, StringComparison.Ordinal);

    /// <summary>A body of one to three of LINE's events in <paramref name="conversation"/>, mutated one to three times; and what was done.</summary>
    public (byte[] Body, string Mutations) Next(int caseNumber, FuzzConversation conversation)
    {
        var events = new JsonArray();
        for (var i = 1 + _random.Next(3); i > 0; i--)
        {
            events.Add(JsonNode.Parse(Event(conversation, $"01FUZZ{caseNumber:D12}{i}")));
        }

        var root = new JsonObject { ["destination"] = WebhookJson.Destination, ["events"] = events };
        var done = new List<string>();
        for (var m = 1 + _random.Next(3); m > 0; m--)
        {
            done.Add(MutateTree(root));
        }

        var text = root.ToJsonString(Writing).Replace(LoneHigh, "\\ud800", StringComparison.Ordinal).Replace(LoneLow, "\\udc00", StringComparison.Ordinal);
        if (_random.Next(10) == 0)
        {
            (text, var repeated) = RepeatProperty(text);
            done.Add(repeated);
        }

        var body = Encoding.UTF8.GetBytes(text);
        if (_random.Next(8) == 0)
        {
            (body, var broken) = BreakBytes(body);
            done.Add(broken);
        }

        return (body, string.Join("; ", done));
    }

    private string Event(FuzzConversation conversation, string eventId) =>
        Seeds[_random.Next(Seeds.Length)].Replace("%SOURCE%", conversation.SourceJson, StringComparison.Ordinal).Replace("%ID%", eventId, StringComparison.Ordinal).Replace("%REPLY%", "reply-" + eventId, StringComparison.Ordinal);

    private string MutateTree(JsonObject root)
    {
        var events = root["events"] as JsonArray;
        var anEvent = events is { Count: > 0 } ? events[_random.Next(events.Count)] as JsonObject : null;
        switch (_random.Next(12))
        {
            case 0 or 1 or 2 when anEvent is not null:
            {
                var field = Fields[_random.Next(Fields.Length)];
                var value = NastyField();
                anEvent[field] = value;
                return $"{field} = {Show(value)}";
            }

            case 3 or 4 or 5 when anEvent is not null:
            {
                var path = NestedFields[_random.Next(NestedFields.Length)].Split('.');
                var parent = anEvent;
                foreach (var step in path[..^1])
                {
                    parent = parent[step] as JsonObject ?? (JsonObject)(parent[step] = new JsonObject());
                }

                var value = NastyField();
                parent[path[^1]] = value;
                return $"{string.Join('.', path)} = {Show(value)}";
            }

            case 6 when anEvent is not null:
            {
                var field = Fields[_random.Next(Fields.Length)];
                anEvent.Remove(field);
                return $"{field} removed";
            }

            case 7 when Nodes(root) is { Count: > 0 } nodes:
            {
                var node = nodes[_random.Next(nodes.Count)];
                var value = Nasty();
                Replace(node, value);
                return $"{node.GetPath()} = {Show(value)}";
            }

            case 8 when events is not null:
            {
                var added = _random.Next(4) == 0 ? Nasty() : JsonNode.Parse(Event(new FuzzConversation("user", Id('U', _random.Next(64)), ""), $"01FUZZEXTRA{_random.Next():D10}"));
                events.Insert(_random.Next(events.Count + 1), added);
                return $"event added: {Show(added)}";
            }

            case 9 when events is { Count: > 0 }:
            {
                var copy = events[_random.Next(events.Count)]?.DeepClone();
                events.Add(copy);
                return "an event repeated";
            }

            case 10:
            {
                var value = Nasty();
                root["destination"] = value;
                return $"destination = {Show(value)}";
            }

            case 11 when Nodes(root) is { Count: > 0 } nodes:
            {
                var node = nodes[_random.Next(nodes.Count)];
                if (node.Parent is JsonObject parent)
                {
                    parent.Remove(node.GetPropertyName());
                }
                else if (node.Parent is JsonArray array)
                {
                    array.RemoveAt(node.GetElementIndex());
                }

                return $"{node.GetPath()} removed";
            }

            default:
                root["extra"] = Nasty();
                return "a property added to the body";
        }
    }

    /// <summary>What breaks the fields the connector reads: the cases of issue 11 first.</summary>
    private JsonNode? NastyField() => _random.Next(18) switch
    {
        0 => JsonValue.Create(""),
        1 => JsonValue.Create(7),
        2 => null,
        3 => JsonValue.Create("U0123/4567"),
        4 => JsonValue.Create("U0123\\4567"),
        5 => JsonValue.Create("U0123#4567"),
        6 => JsonValue.Create("U0123?4567"),
        7 => JsonValue.Create("U0123\u00004567"),
        8 => JsonValue.Create("U\u0085"),
        9 => JsonValue.Create(new string('a', 600)),
        10 => JsonValue.Create(new string('b', 40_000)),
        11 => JsonValue.Create(LoneHigh),
        12 => JsonValue.Create("x" + LoneLow),
        13 => new JsonObject(),
        14 => JsonValue.Create("channel"),
        15 => JsonValue.Create(new string('9', 70)),
        _ => Nasty(),
    };

    private JsonNode? Nasty() => _random.Next(34) switch
    {
        0 => null,
        1 => JsonValue.Create(true),
        2 => JsonValue.Create(0),
        3 => JsonValue.Create(-1),
        4 => JsonValue.Create(1.5e300),
        5 => JsonNode.Parse("123456789012345678901234567890"),
        6 => JsonValue.Create(""),
        7 => JsonValue.Create("a"),
        8 => JsonValue.Create(new string('a', 600)),
        9 => JsonValue.Create(new string('b', 40_000)),
        10 => JsonValue.Create("U0123/4567"),
        11 => JsonValue.Create("U0123\\4567"),
        12 => JsonValue.Create("U0123#4567"),
        13 => JsonValue.Create("U0123?4567"),
        14 => JsonValue.Create("U0123\u00004567"),
        15 => JsonValue.Create("U\u001f"),
        16 => JsonValue.Create("U\u007f"),
        17 => JsonValue.Create("U\u0085"),
        18 => JsonValue.Create(LoneHigh),
        19 => JsonValue.Create("x" + LoneLow),
        20 => JsonValue.Create(LoneHigh + LoneHigh + "y"),
        21 => JsonValue.Create("😀 日本語 \ufeff"),
        22 => JsonValue.Create(new[] { "active", "standby", "user", "group", "room", "line", "external" }[_random.Next(7)]),
        23 => JsonValue.Create(new[] { "message", "follow", "join", "postback", "unfollow", "memberJoined", "module", "somethingNew" }[_random.Next(8)]),
        24 => JsonValue.Create(new[] { "text", "image", "video", "audio", "file", "sticker", "hologram" }[_random.Next(7)]),
        25 => new JsonObject(),
        26 => new JsonArray(),
        27 => JsonNode.Parse("""{"a":[1,{"b":null}],"type":7}"""),
        28 => Deep(_random.Next(2) == 0 ? 10 : 70),
        29 => JsonValue.Create(RandomText(1 + _random.Next(40))),
        30 => JsonValue.Create(Id('U', _random.Next(64))),
        31 => JsonValue.Create(new string('9', 70)),
        32 => JsonNode.Parse("""{"type":"user","userId":"Ufffffffffffffffffffffffffffffff0"}"""),
        _ => JsonNode.Parse("""{"type":"text","id":"1"}"""),
    };

    private static JsonNode Deep(int depth)
    {
        JsonNode node = new JsonArray();
        for (var i = 0; i < depth; i++)
        {
            node = new JsonArray(node);
        }

        return node;
    }

    private string RandomText(int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = (char)_random.Next(0x20, 0x7f);
        }

        return new string(chars);
    }

    private (string Text, string Done) RepeatProperty(string text)
    {
        var braces = Enumerable.Range(0, text.Length).Where(i => text[i] == '{').ToList();
        var at = braces[_random.Next(braces.Count)] + 1;
        var field = Fields[_random.Next(Fields.Length)];
        var value = _random.Next(2) == 0 ? "\"follow\"" : """{"type":"user","userId":"Uffffffffffffffffffffffffffffffff"}""";
        var separator = text[at] == '}' ? "" : ",";
        return (text.Insert(at, $"\"{field}\":{value}{separator}"), $"'{field}' repeated");
    }

    private (byte[] Body, string Done) BreakBytes(byte[] body)
    {
        var at = _random.Next(body.Length);
        switch (_random.Next(5))
        {
            case 0:
                body[at] ^= (byte)(1 << _random.Next(8));
                return (body, $"bit flipped at byte {at}");
            case 1:
                return ([.. body[..at], 0xff, .. body[at..]], $"0xFF inserted at byte {at}");
            case 2:
                return ([.. body[..at], 0xed, 0xa0, 0x80, .. body[at..]], $"an encoded surrogate inserted at byte {at}");
            case 3:
                return (body[..at], $"cut at byte {at}");
            default:
                var from = Math.Min(at, body.Length - 1);
                var length = _random.Next(1, Math.Min(64, body.Length - from) + 1);
                return ([.. body[..from], .. body[(from + length)..]], $"{length} bytes removed at byte {from}");
        }
    }

    private static List<JsonNode> Nodes(JsonObject root)
    {
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        return nodes;
    }

    private static void Collect(JsonNode node, List<JsonNode> nodes)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (_, value) in o)
                {
                    if (value is not null)
                    {
                        nodes.Add(value);
                        Collect(value, nodes);
                    }
                }

                break;
            case JsonArray a:
                foreach (var value in a)
                {
                    if (value is not null)
                    {
                        nodes.Add(value);
                        Collect(value, nodes);
                    }
                }

                break;
        }
    }

    private static void Replace(JsonNode node, JsonNode? value)
    {
        if (node.Parent is JsonObject parent)
        {
            parent[node.GetPropertyName()] = value;
        }
        else if (node.Parent is JsonArray array)
        {
            array[node.GetElementIndex()] = value;
        }
    }

    private static string Show(JsonNode? value)
    {
        var text = value?.ToJsonString(Writing) ?? "null";
        return text.Length <= 60 ? text : $"{text[..60]}... ({text.Length} characters)";
    }
}
