using System.Text;
using System.Text.Json;
using LineConnector.Core.Line.Events;

namespace LineConnector.Tests.Line;

public class WebhookEventReaderTests
{
    private const string Common = """
        "mode":"active","timestamp":1462629479859,"webhookEventId":"01FZ74A0TDDPYRVKNK77XKC3ZR","deliveryContext":{"isRedelivery":false}
        """;

    private const string User = """ "source":{"type":"user","userId":"U4af4980629"} """;

    private static WebhookEvent Read(string json, WebhookEventKind kind)
    {
        var parsed = WebhookEventReader.Read(Encoding.UTF8.GetBytes(json), out var problem);
        parsed.Should().NotBeNull($"it should be read: {problem?.Reason}");
        parsed!.Kind.Should().Be(kind);
        parsed.WebhookEventId.Should().Be("01FZ74A0TDDPYRVKNK77XKC3ZR");
        return parsed;
    }

    private static EventProblem Rejected(string json)
    {
        WebhookEventReader.Read(Encoding.UTF8.GetBytes(json), out var problem).Should().BeNull();
        return problem!;
    }

    [Fact]
    public void Text_message_with_emojis_mention_and_quote()
    {
        var e = Read($$$"""
            {"type":"message",{{{Common}}},{{{User}}},"replyToken":"nHuyWiB7yP5Zw52FIkcQobQuGDXCTA",
             "message":{"type":"text","id":"444573844083572737","quoteToken":"q3Plxr4AgKd","text":"@example Hello, world! (love)",
               "emojis":[{"index":29,"length":6,"productId":"5ac1bfd5040ab15980c9b435","emojiId":"001"}],
               "mention":{"mentionees":[{"index":0,"length":8,"type":"user","userId":"U49585cd0d5","isSelf":false},{"index":9,"length":4,"type":"all"}]},
               "quotedMessageId":"468789577898262530","markAsReadToken":"30yhdy232"}}
            """, WebhookEventKind.Message);

        e.Type.Should().Be("message");
        e.ReplyToken.Should().Be("nHuyWiB7yP5Zw52FIkcQobQuGDXCTA");
        e.Source!.UserId.Should().Be("U4af4980629");
        e.Source.ConversationId.Should().Be("U4af4980629");
        e.IsStandby.Should().BeFalse();
        e.Message.Should().Be(new EventMessage { Type = "text", Id = "444573844083572737", MarkAsReadToken = "30yhdy232" });
    }

    [Fact]
    public void Media_file_location_and_sticker_messages()
    {
        EventMessage M(string message) => Read($$$"""{"type":"message",{{{Common}}},{{{User}}},"replyToken":"r","message":{{{message}}}}""", WebhookEventKind.Message).Message!;

        M("""{"type":"image","id":"354718705033693859","quoteToken":"q","contentProvider":{"type":"line"},"imageSet":{"id":"E005D41A","index":1,"total":2}}""")
            .Should().Be(new EventMessage { Type = "image", Id = "354718705033693859", ContentProvider = "line" });
        M("""{"type":"video","id":"325708","duration":60000,"quoteToken":"q","contentProvider":{"type":"external","originalContentUrl":"https://example.com/original.mp4","previewImageUrl":"https://example.com/preview.jpg"}}""")
            .Should().Be(new EventMessage { Type = "video", Id = "325708", ContentProvider = "external" });
        M("""{"type":"audio","id":"325708","duration":60000,"contentProvider":{"type":"line"}}""").ContentProvider.Should().Be("line");
        M("""{"type":"file","id":"325708","fileName":"file.txt","fileSize":2138}""").Should().Be(new EventMessage { Type = "file", Id = "325708" });
        M("""{"type":"location","id":"325708","title":"my location","address":"日本、〒102-8282 東京都千代田区","latitude":35.67966,"longitude":139.73669}""").Type.Should().Be("location");
        M("""{"type":"sticker","id":"1501597916","quoteToken":"q","stickerId":"52002738","packageId":"11537","stickerResourceType":"ANIMATION","keywords":["cony","sally"],"text":"Let's hang out"}""")
            .Should().Be(new EventMessage { Type = "sticker", Id = "1501597916" });
    }

    [Fact]
    public void An_unknown_message_type_is_read_as_it_is()
    {
        var e = Read($$$"""{"type":"message",{{{Common}}},{{{User}}},"replyToken":"r","message":{"type":"hologram","id":"77","depth":3}}""", WebhookEventKind.Message);

        e.Message.Should().Be(new EventMessage { Type = "hologram", Id = "77" });
    }

    [Fact]
    public void Message_edited_event()
    {
        var e = Read($$$"""{"type":"messageEdited",{{{Common}}},"source":{"type":"group","groupId":"Ca56f94637c","userId":"U4af4980629"},"replyToken":"r","message":{"type":"text","id":"444573844083572737","quoteToken":"q","text":"edited"}}""", WebhookEventKind.MessageEdited);

        e.Source!.ConversationId.Should().Be("Ca56f94637c");
        e.Message!.Type.Should().Be("text");
    }

    [Fact]
    public void Every_other_event_type_of_webhook_yml()
    {
        Read($$$"""{"type":"unsend",{{{Common}}},{{{User}}},"unsend":{"messageId":"325708"}}""", WebhookEventKind.Unsend);
        Read($$$"""{"type":"follow",{{{Common}}},{{{User}}},"replyToken":"r","follow":{"isUnblocked":true}}""", WebhookEventKind.Follow).ReplyToken.Should().Be("r");
        Read($$$"""{"type":"unfollow",{{{Common}}},{{{User}}}}""", WebhookEventKind.Unfollow);
        Read($$$"""{"type":"join",{{{Common}}},"source":{"type":"room","roomId":"Ra8dbf4673c"},"replyToken":"r"}""", WebhookEventKind.Join).Source!.ConversationId.Should().Be("Ra8dbf4673c");
        Read($$$"""{"type":"leave",{{{Common}}},"source":{"type":"group","groupId":"Ca56f94637c"}}""", WebhookEventKind.Leave).Source!.ConversationId.Should().Be("Ca56f94637c");
        Read($$$"""{"type":"memberJoined",{{{Common}}},"source":{"type":"group","groupId":"C1"},"replyToken":"r","joined":{"members":[{"type":"user","userId":"U1"},{"type":"user","userId":"U2"}]}}""", WebhookEventKind.MemberJoined);
        Read($$$"""{"type":"memberLeft",{{{Common}}},"source":{"type":"group","groupId":"C1"},"left":{"members":[{"type":"user","userId":"U1"}]}}""", WebhookEventKind.MemberLeft);
        Read($$$"""{"type":"postback",{{{Common}}},{{{User}}},"replyToken":"r","postback":{"data":"storeId=12345","params":{"datetime":"2017-12-25T01:00"} } }""", WebhookEventKind.Postback).ReplyToken.Should().Be("r");
        Read($$$"""{"type":"videoPlayComplete",{{{Common}}},{{{User}}},"replyToken":"r","videoPlayComplete":{"trackingId":"track-id"}}""", WebhookEventKind.VideoPlayComplete);
        Read($$$"""{"type":"beacon",{{{Common}}},{{{User}}},"replyToken":"r","beacon":{"hwid":"d41d8cd98f","type":"enter","dm":"1234"}}""", WebhookEventKind.Beacon);
        Read($$$"""{"type":"accountLink",{{{Common}}},{{{User}}},"replyToken":"r","link":{"result":"ok","nonce":"xxxxxxxxxxxxxxx"}}""", WebhookEventKind.AccountLink);
        Read($$$"""{"type":"membership",{{{Common}}},{{{User}}},"replyToken":"r","membership":{"type":"joined","membershipId":3189}}""", WebhookEventKind.Membership);
        Read($$$"""{"type":"module",{{{Common}}},"module":{"type":"attached","botId":"U111","scopes":["message:send"]}}""", WebhookEventKind.Module).Source.Should().BeNull();
        Read($$$"""{"type":"module",{{{Common}}},"module":{"type":"detached","botId":"U111","reason":"bot_deleted"}}""", WebhookEventKind.Module);
        Read($$$"""{"type":"activated",{{{Common}}},"chatControl":{"expireAt":1462629479960}}""", WebhookEventKind.Activated);
        Read($$$"""{"type":"deactivated",{{{Common}}}}""", WebhookEventKind.Deactivated);
        Read($$$"""{"type":"botSuspended",{{{Common}}}}""", WebhookEventKind.BotSuspended);
        Read($$$"""{"type":"botResumed",{{{Common}}}}""", WebhookEventKind.BotResumed);
        Read($$$"""{"type":"delivery",{{{Common}}},{{{User}}},"delivery":{"data":"8b34f2b0-bf5d-4c9c-b0e0-aef5f0d1ce86"}}""", WebhookEventKind.Delivery);
    }

    [Fact]
    public void Standby_is_read_and_a_standby_message_keeps_no_reply_token_it_does_not_have()
    {
        var e = WebhookEventReader.Read("""{"type":"message","mode":"standby","timestamp":1,"webhookEventId":"01X","deliveryContext":{"isRedelivery":true},"source":{"type":"user","userId":"U4af4980629"},"message":{"type":"text","id":"1","quoteToken":"q","text":"x"}}"""u8, out _)!;

        e.IsStandby.Should().BeTrue();
        e.ReplyToken.Should().BeNull();
    }

    [Fact]
    public void An_unknown_event_type_is_read_with_its_common_fields()
    {
        var e = Read($$$"""{"type":"teleport",{{{Common}}},{{{User}}},"destination":{"x":1},"replyToken":"r","message":"not LINE's message object"}""", WebhookEventKind.Unknown);

        e.Type.Should().Be("teleport");
        e.Source!.UserId.Should().Be("U4af4980629");
        e.ReplyToken.Should().BeNull("only the types LINE lets the bot answer carry a reply token");
        e.Message.Should().BeNull();
    }

    [Fact]
    public void Fields_the_connector_does_not_read_are_not_checked()
    {
        var e = Read($$$"""{"type":"postback",{{{Common}}},"timestamp":"soon",{{{User}}},"postback":[1],"deliveryContext":null,"text":"{{{new string('a', 40_000)}}}"}""", WebhookEventKind.Postback);

        e.Source!.UserId.Should().Be("U4af4980629");
    }

    [Fact]
    public void Events_without_mode_id_or_a_user_id_are_read()
    {
        var e = WebhookEventReader.Read("""{"type":"follow","timestamp":1,"source":{"type":"user"},"replyToken":"r"}"""u8, out _)!;

        e.Mode.Should().Be("active");
        e.WebhookEventId.Should().BeNull();
        e.Source!.ConversationId.Should().BeNull();
    }

    [Theory]
    [InlineData("""{"mode":"active","webhookEventId":"01A"}""", "'type' is missing")]
    [InlineData("""{"type":7,"mode":"active"}""", "'type' must be a string, not a number")]
    [InlineData("""{"type":"","mode":"active"}""", "'type' is empty")]
    [InlineData("""{"type":"follow","type":"join"}""", "'type' appears more than once")]
    [InlineData("""{"type":"fo\nllow"}""", "'type' has a control character")]
    [InlineData("""{"type":"follow","mode":"passive"}""", "'mode' is 'passive', not 'active' or 'standby'")]
    [InlineData("""{"type":"follow","source":{"type":""}}""", "'source.type' is empty")]
    [InlineData("""{"type":"follow","source":{"userId":"U1"}}""", "'source.type' is missing")]
    [InlineData("""{"type":"follow","source":{"type":"channel","userId":"U1"}}""", "'source.type' is 'channel', not 'user', 'group' or 'room'")]
    [InlineData("""{"type":"follow","source":"U1"}""", "'source' must be an object, not a string")]
    [InlineData("""{"type":"join","source":{"type":"group","userId":"U1"}}""", "a group source needs its 'source.groupId'")]
    [InlineData("""{"type":"join","source":{"type":"room"}}""", "a room source needs its 'source.roomId'")]
    [InlineData("""{"type":"follow","source":{"type":"user","userId":42}}""", "'source.userId' must be a string, not a number")]
    [InlineData("""{"type":"follow","source":{"type":"user","userId":""}}""", "'source.userId' is empty")]
    [InlineData("""{"type":"follow","source":{"type":"user","userId":"U1/2"}}""", "'source.userId' has '/' at index 2")]
    [InlineData("""{"type":"follow","source":{"type":"user","userId":"U1\\2"}}""", "'source.userId' has '\\' at index 2")]
    [InlineData("""{"type":"follow","source":{"type":"user","userId":"U1#2"}}""", "'source.userId' has '#' at index 2")]
    [InlineData("""{"type":"follow","source":{"type":"user","userId":"U1?2"}}""", "'source.userId' has '?' at index 2")]
    [InlineData("""{"type":"follow","source":{"type":"user","userId":"U1\u00002"}}""", "'source.userId' has U+0000 at index 2")]
    [InlineData("""{"type":"follow","source":{"type":"group","groupId":"C\u007f"}}""", "'source.groupId' has U+007F at index 1")]
    [InlineData("""{"type":"follow","webhookEventId":"01/A"}""", "'webhookEventId' has '/' at index 2")]
    [InlineData("""{"type":"follow","webhookEventId":1}""", "'webhookEventId' must be a string, not a number")]
    [InlineData("""{"type":"follow","replyToken":"r#1"}""", "'replyToken' has '#' at index 1")]
    [InlineData("""{"type":"message","source":{"type":"user","userId":"U1"}}""", "a 'message' event needs its 'message'")]
    [InlineData("""{"type":"message","message":{"type":7,"id":"1"}}""", "'message.type' must be a string, not a number")]
    [InlineData("""{"type":"message","message":{"id":"1"}}""", "'message.type' is missing")]
    [InlineData("""{"type":"message","message":{"type":"text"}}""", "'message.id' is missing")]
    [InlineData("""{"type":"message","message":{"type":"image","id":"32/57"}}""", "'message.id' has '/' at index 2")]
    [InlineData("""{"type":"message","message":[1]}""", "'message' must be an object, not an array")]
    [InlineData("""{"type":"message","message":{"type":"image","id":"1","contentProvider":"line"}}""", "'message.contentProvider' must be an object, not a string")]
    [InlineData("""{"type":"message","message":{"type":"image","id":"1","contentProvider":{"type":null}}}""", "'message.contentProvider.type' must be a string, not null")]
    public void An_event_whose_fields_cannot_be_used_is_rejected_with_the_reason(string json, string reason)
    {
        Rejected(json).Reason.Should().StartWith(reason);
    }

    [Theory]
    [InlineData("webhookEventId")]
    [InlineData("replyToken")]
    public void Ids_longer_than_LINE_s_are_rejected(string field)
    {
        var longest = new string('A', WebhookEventReader.MaxIdLength);
        WebhookEventReader.Read(Encoding.UTF8.GetBytes($$"""{"type":"follow","{{field}}":"{{longest}}"}"""), out var problem).Should().NotBeNull(problem?.Reason);

        foreach (var length in new[] { WebhookEventReader.MaxIdLength + 1, 513, 40_000 })
        {
            Rejected($$"""{"type":"follow","{{field}}":"{{new string('A', length)}}"}""").Reason.Should().Be($"'{field}' is longer than {WebhookEventReader.MaxIdLength} characters");
        }
    }

    [Fact]
    public void A_source_id_longer_than_a_session_allows_is_rejected()
    {
        Rejected($$$"""{"type":"follow","source":{"type":"user","userId":"U{{{new string('f', 600)}}}"}}""").Reason.Should().Be("'source.userId' is longer than 63 characters");
    }

    [Theory]
    [InlineData("""{"type":"message","message":{"type":"text","id":"1","text":"a\ud800"}}""", "a string in the event has a lone surrogate escape")]
    [InlineData("""{"type":"message","message":{"type":"text","id":"1","text":"\udc00b"}}""", "a string in the event has a lone surrogate escape")]
    [InlineData("""{"type":"message","message":{"type":"text","id":"1","text":"\ud83d\ud83d\ude00"}}""", "a string in the event has a lone surrogate escape")]
    [InlineData("""{"type":"follow","source":{"type":"user","userId":"U\ud800"}}""", "'source.userId' has a lone surrogate escape")]
    [InlineData("""{"type":"follow","webhookEventId":"\udfff"}""", "'webhookEventId' has a lone surrogate escape")]
    [InlineData("""{"type":"follow","x":{"\ud800":1}}""", "a string in the event has a lone surrogate escape")]
    [InlineData("""{"type":"follow","\ud800":1}""", "a property name has a lone surrogate escape")]
    [InlineData("""{"type":"unknownThing","message":{"text":"\ud800"}}""", "a lone surrogate escape")]
    public void A_lone_surrogate_anywhere_rejects_the_event_because_it_could_not_be_forwarded(string json, string reason)
    {
        Rejected(json).Reason.Should().Contain(reason);
    }

    [Fact]
    public void Surrogate_pairs_and_other_escapes_are_fine()
    {
        var e = WebhookEventReader.Read("""{"type":"message","message":{"type":"text","id":"1","text":"\ud83d\ude00 \\ud800 \"\u0041\n"},"source":{"type":"user","userId":"U\u0041"}}"""u8, out var problem);

        problem.Should().BeNull();
        e!.Source!.UserId.Should().Be("UA");
    }

    [Fact]
    public void A_rejected_event_says_what_could_be_read_of_it()
    {
        var problem = Rejected("""{"type":"message","webhookEventId":"01ABC","source":{"type":""}}""");

        problem.Should().Be(new EventProblem("'source.type' is empty", "message", "01ABC"));
    }

    [Fact]
    public void A_reply_token_or_message_of_the_wrong_shape_matters_only_to_types_that_carry_them()
    {
        WebhookEventReader.Read("""{"message":5,"replyToken":7,"type":"unfollow"}"""u8, out var problem).Should().NotBeNull();
        problem.Should().BeNull();

        Rejected("""{"replyToken":7,"type":"follow"}""").Reason.Should().Be("'replyToken' must be a string, not a number");
    }

    [Fact]
    public void Not_one_json_object_throws()
    {
        var read = () => WebhookEventReader.Read("42"u8, out _);

        read.Should().Throw<JsonException>();
    }
}
