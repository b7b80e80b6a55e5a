using System.Text;
using System.Text.Json;
using LineConnector.Core.Inbound;
using LineConnector.Core.Line.Events;
using LineConnector.Core.Queueing;
using LineConnector.Tests.Support;

namespace LineConnector.Tests.Inbound;

public class WebhookSplitterTests
{
    private static readonly DateTimeOffset ReceivedAt = new(2026, 11, 21, 9, 0, 0, TimeSpan.Zero);

    private static WebhookBatch Split(string body, string channelId = "shop")
    {
        WebhookSplitter.TrySplit(channelId, Encoding.UTF8.GetBytes(body), ReceivedAt, out var batch, out var error).Should().BeTrue(error);
        return batch;
    }

    [Fact]
    public void Three_events_from_two_users_become_three_messages_in_order_with_session_per_user()
    {
        var body = WebhookJson.Body(
            WebhookJson.TextMessage("Ua0000000000000000000000000000001", "01HAAAAAAAAAAAAAAAAAAAAAA1"),
            WebhookJson.TextMessage("Ub0000000000000000000000000000002", "01HAAAAAAAAAAAAAAAAAAAAAA2"),
            WebhookJson.TextMessage("Ua0000000000000000000000000000001", "01HAAAAAAAAAAAAAAAAAAAAAA3"));

        var batch = Split(body);

        batch.Destination.Should().Be(WebhookJson.Destination);
        batch.Messages.Select(m => (m.MessageId, m.SessionId)).Should().Equal(
            ("01HAAAAAAAAAAAAAAAAAAAAAA1", "shop:Ua0000000000000000000000000000001"),
            ("01HAAAAAAAAAAAAAAAAAAAAAA2", "shop:Ub0000000000000000000000000000002"),
            ("01HAAAAAAAAAAAAAAAAAAAAAA3", "shop:Ua0000000000000000000000000000001"));
    }

    [Fact]
    public void Each_message_carries_the_event_bytes_exactly_as_sent_with_channel_destination_and_time()
    {
        // \u escapes and raw non-ASCII both stay byte for byte as LINE sent them.
        var rawEvent = WebhookJson.TextMessage("U1", "01HB", text: "\\u3053\\u3093 raw こんにちは 😀 \\\"quoted\\\"");
        var batch = Split(WebhookJson.Body(rawEvent));

        var envelopeText = Encoding.UTF8.GetString(batch.Messages[0].Body.Span);
        envelopeText.Should().Contain(rawEvent);
        var envelope = InboundEnvelope.Parse(envelopeText);
        envelope.ChannelId.Should().Be("shop");
        envelope.Destination.Should().Be(WebhookJson.Destination);
        envelope.ReceivedAt.Should().Be(ReceivedAt);
        envelope.Event.GetRawText().Should().Be(rawEvent);
        envelope.Event.GetProperty("message").GetProperty("text").GetString().Should().Be("こん raw こんにちは 😀 \"quoted\"");
    }

    [Theory]
    [InlineData("""{"type":"group","groupId":"Cgroup1","userId":"U1"}""", "shop:Cgroup1")]
    [InlineData("""{"type":"room","roomId":"Rroom1","userId":"U1"}""", "shop:Rroom1")]
    [InlineData("""{"type":"user","userId":"U1"}""", "shop:U1")]
    [InlineData("""{"userId":"U1","type":"group","groupId":"Cgroup2"}""", "shop:Cgroup2")]
    public void Session_is_the_conversation_group_room_or_user(string source, string sessionId)
    {
        var batch = Split(WebhookJson.Body($$"""{"type":"join","mode":"active","timestamp":1,"source":{{source}},"webhookEventId":"01HC","deliveryContext":{"isRedelivery":false},"replyToken":"r"}"""));

        batch.Messages.Single().SessionId.Should().Be(sessionId);
    }

    [Fact]
    public void An_event_without_source_goes_to_the_channel_session()
    {
        var batch = Split(WebhookJson.Body("""{"type":"module","mode":"active","timestamp":1,"webhookEventId":"01HD","deliveryContext":{"isRedelivery":false},"module":{"type":"attached","botId":"U1","scopes":["message"]}}"""));

        batch.Messages.Single().SessionId.Should().Be("shop:" + ConversationSession.NoConversation);
    }

    [Fact]
    public void Unknown_event_types_are_kept_as_they_are()
    {
        const string unknown = """{"type":"somethingNew","mode":"active","timestamp":1,"source":{"type":"user","userId":"U9"},"webhookEventId":"01HE","deliveryContext":{"isRedelivery":false},"payload":{"nested":[1,2,{"x":null}]}}""";
        var batch = Split(WebhookJson.Body(unknown));

        var message = batch.Messages.Single();
        message.MessageId.Should().Be("01HE");
        message.SessionId.Should().Be("shop:U9");
        InboundEnvelope.Parse(Encoding.UTF8.GetString(message.Body.Span)).Event.GetRawText().Should().Be(unknown);
    }

    [Fact]
    public void Without_webhookEventId_the_message_id_is_a_stable_hash_of_the_event()
    {
        const string noId = """{"type":"unfollow","mode":"active","timestamp":1,"source":{"type":"user","userId":"U1"}}""";
        var first = Split(WebhookJson.Body(noId)).Messages.Single().MessageId;
        var again = Split(WebhookJson.Body(noId)).Messages.Single().MessageId;
        var other = Split(WebhookJson.Body(noId.Replace("\"timestamp\":1", "\"timestamp\":2", StringComparison.Ordinal))).Messages.Single().MessageId;

        first.Should().StartWith("sha256-").And.Be(again).And.NotBe(other);
        first.Length.Should().BeLessThanOrEqualTo(128);
    }

    [Fact]
    public void Empty_events_from_the_verify_button_split_into_nothing()
    {
        var batch = Split($$"""{"destination":"{{WebhookJson.Destination}}","events":[]}""");

        batch.Messages.Should().BeEmpty();
    }

    [Fact]
    public void Destination_after_events_and_unknown_top_level_fields_are_fine()
    {
        var batch = Split($$"""{"events":[{{WebhookJson.TextMessage("U1", "01HF")}}],"extra":{"a":[1]},"destination":"Ubot"}""");

        batch.Destination.Should().Be("Ubot");
        JsonDocument.Parse(batch.Messages.Single().Body).RootElement.GetProperty("destination").GetString().Should().Be("Ubot");
    }

    [Theory]
    [InlineData("", "not valid JSON")]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("{\"destination\":\"U1\"}", "'events' is missing")]
    [InlineData("{\"events\":[]}", "'destination' is missing")]
    [InlineData("{\"destination\":\"U1\",\"events\":{}}", "'events' must be an array")]
    [InlineData("{\"destination\":1,\"events\":[]}", "'destination' must be a string")]
    [InlineData("{\"destination\":\"U1\",\"events\":[1]}", "events[0] must be a JSON object")]
    [InlineData("{\"destination\":\"U1\",\"events\":[{\"type\":\"x\"},\"y\"]}", "events[1] must be a JSON object")]
    [InlineData("{\"destination\":\"U1\",\"events\":[]} trailing", "not valid JSON")]
    [InlineData("{\"destination\":\"U1\",\"events\":[{\"type\":\"x\"]}", "not valid JSON")]
    [InlineData("{\"destination\":\"U1\",\"events\":[]", "not valid JSON")]
    public void Malformed_bodies_are_refused_with_the_reason(string body, string reason)
    {
        WebhookSplitter.TrySplit("shop", Encoding.UTF8.GetBytes(body), ReceivedAt, out _, out var error).Should().BeFalse();

        error.Should().Contain(reason);
    }

    [Fact]
    public void Each_message_carries_the_event_as_read_beside_the_event_as_sent()
    {
        var rawEvent = WebhookJson.GroupMessage("Cgroup1", "U1", "01HG");
        var envelope = InboundEnvelope.Parse(Encoding.UTF8.GetString(Split(WebhookJson.Body(rawEvent)).Messages.Single().Body.Span));

        envelope.Parsed.Should().Be(WebhookEventReader.Read(Encoding.UTF8.GetBytes(rawEvent), out _));
        envelope.Parsed.Kind.Should().Be(WebhookEventKind.Message);
        envelope.Parsed.Source!.ConversationId.Should().Be("Cgroup1");
        envelope.Parsed.ReplyToken.Should().Be("r");
        envelope.Event.GetRawText().Should().Be(rawEvent);
    }

    [Fact]
    public void A_message_queued_before_the_webhook_sent_the_event_as_read_is_read_from_the_event()
    {
        var rawEvent = WebhookJson.TextMessage("U1", "01HH");
        var legacy = $$"""{"channelId":"shop","destination":"{{WebhookJson.Destination}}","receivedAt":"2026-11-21T09:00:00+00:00","event":{{rawEvent}}}""";

        var envelope = InboundEnvelope.Parse(legacy);

        envelope.Parsed.Should().Be(WebhookEventReader.Read(Encoding.UTF8.GetBytes(rawEvent), out _));
        envelope.Parsed.Source!.UserId.Should().Be("U1");
    }

    [Fact]
    public void An_event_that_cannot_be_used_is_rejected_on_its_own_and_the_others_are_queued()
    {
        var body = WebhookJson.Body(
            WebhookJson.TextMessage("U1", "01HI1"),
            """{"type":"message","mode":"active","timestamp":1,"source":{"type":""},"webhookEventId":"01HI2","message":{"type":"text","id":"1","text":"x"}}""",
            """{"type":"message","mode":"active","timestamp":1,"source":{"type":"user","userId":"U/1"},"message":{"type":"text","id":"1","text":"x"}}""",
            WebhookJson.TextMessage("U2", "01HI4"));

        var batch = Split(body);

        batch.Messages.Select(m => m.MessageId).Should().Equal("01HI1", "01HI4");
        batch.RejectedCount.Should().Be(2);
        batch.Rejected[0].Should().Be(new RejectedEvent(1, "01HI2", "'source.type' is empty", "message", "01HI2"));
        batch.Rejected[1].Position.Should().Be(2);
        batch.Rejected[1].Key.Should().StartWith("sha256-", "the event has no id to be known by");
        batch.Rejected[1].Reason.Should().Be("'source.userId' has '/' at index 1; keys may not contain '/', '\\', '#', '?' or control characters");
        batch.Rejected[1].ToString().Should().StartWith("events[2] (sha256-");
    }

    /// <summary>
    /// The shapes of the events in the webhook bodies LINE's SDKs test with (Python, Go, Node.js): no
    /// mode or webhookEventId, short or made-up ids with '_', '.' or lower case, types that are unknown,
    /// retired (things) or "undefined", an unknown message type, an account event without source, an
    /// event with nothing but a type. Every one is queued; none is rejected.
    /// </summary>
    [Fact]
    public void Every_event_shape_of_LINE_s_SDK_test_bodies_is_queued()
    {
        const string User = "U206d25c2ea6bd87c17655609a1c37cb8";
        var body = WebhookJson.Body(
            $$$$$"""{"replyToken":"nHuyWiB7yP5Zw52FIkcQobQuGDXCTA","type":"message","timestamp":1462629479859,"source":{"type":"user","userId":"{{{{{User}}}}}"},"message":{"id":"325708","type":"text","text":"Hello, world"}}""",
            $$$$$"""{"replyToken":"nHuyWiB7yP5Zw52FIkcQobQuGDXCTA","type":"message","mode":"active","timestamp":1462629479859,"source":{"type":"room","roomId":"Ra8dbf4673c4c812cd491258042226c99"},"webhookEventId":"testwebhookeventid","deliveryContext":{"isRedelivery":false},"message":{"id":"325708","type":"image","contentProvider":{"type":"external","originalContentUrl":"https://example.com","previewImageUrl":"https://example.com"},"quoteToken":"quoteToken"}}""",
            $$$$$"""{"type":"message","message":{"type":"image","id":"354718705033693861","contentProvider":{"type":"line"},"imageSet":{"id":"E005D41A7288F41B655","index":2,"total":2}},"timestamp":1627356924722,"source":{"type":"user","userId":"{{{{{User}}}}}"},"replyToken":"fbf94e269485410da6b7e3a5e33283e8","mode":"active"}""",
            $$$$$"""{"replyToken":"nHuyWiB7yP5Zw52FIkcQobQuGDXCTA","type":"message","timestamp":1462629479859,"source":{"type":"user","userId":"{{{{{User}}}}}"},"message":{"id":"325708","type":"sticker","packageId":"1","stickerId":"1","stickerResourceType":"STATIC","keywords":["Love You","Love"],"text":"Just sticker"}}""",
            $$$$$"""{"replyToken":"nHuyWiB7yP5Zw52FIkcQobQuGDXCTA","type":"message","timestamp":1462629479859,"source":{"type":"user","userId":"{{{{{User}}}}}"},"message":{"id":"325708","type":"location","title":"my location","address":"Tokyo","latitude":35.65910807942215,"longitude":139.70372892916203}}""",
            $$$$$"""{"replyToken":"nHuyWiB7yP5Zw52FIkcQobQuGDXCTA","type":"message","timestamp":1462629479859,"source":{"type":"user","userId":"{{{{{User}}}}}"},"message":{"id":"325708","type":"file","fileName":"file.txt","fileSize":2138}}""",
            """{"replyToken":"test_reply_token","type":"message","timestamp":0,"source":{"groupId":"test_group_id","type":"group"},"message":{"id":"test_event_message_id","text":"this is test message.","type":"text"}}""",
            """{"replyToken":"0f3779fba3b349968c5d07db31eabf65","type":"memberJoined","timestamp":1462629479859,"source":{"type":"group","groupId":"C4af4980629..."},"joined":{"members":[{"type":"user","userId":"U4af4980629..."},{"type":"user","userId":"U91eeaf62d9..."}]}}""",
            """{"type":"memberLeft","timestamp":1462629479960,"source":{"type":"group","groupId":"C4af4980629..."},"left":{"members":[{"type":"user","userId":"U4af4980629..."}]}}""",
            $$$$$"""{"type":"unsend","mode":"active","timestamp":1547817848122,"source":{"type":"group","groupId":"Ca56f94637cc4347f90a25382909b24b9","userId":"{{{{{User}}}}}"},"unsend":{"messageId":"325708"}}""",
            $$$$$"""{"replyToken":"nHuyWiB7yP5Zw52FIkcQobQuGDXCTA","type":"postback","timestamp":1462629479859,"source":{"type":"user","userId":"{{{{{User}}}}}"},"postback":{"data":"action=buyItem&itemId=123123&color=red","params":{"datetime":"2013-04-01T10:00"}}}""",
            $$$$$"""{"replyToken":"nHuyWiB7yP5Zw52FIkcQobQuGDXCTA","type":"beacon","timestamp":1462629479859,"source":{"type":"user","userId":"{{{{{User}}}}}"},"beacon":{"hwid":"d41d8cd98f","type":"enter","dm":"1234567890abcdef"}}""",
            $$$$$"""{"replyToken":"nHuyWiB7yP5Zw52FIkcQobQuGDXCTA","type":"accountLink","timestamp":1462629479859,"source":{"type":"user","userId":"{{{{{User}}}}}"},"link":{"result":"ok","nonce":"Vb771wDYtXuammLszK6h9A"}}""",
            $$$$$"""{"replyToken":"nHuyWiB7yP5Zw52FIkcQobQuGDXCTA","type":"things","timestamp":1547817848122,"source":{"type":"user","userId":"{{{{{User}}}}}"},"things":{"type":"scenarioResult","deviceId":"t2c449c9d1","result":{"scenarioId":"XXX","revision":2,"actionResults":[{"type":"binary","data":"/w=="},{"type":"void"}]}}}""",
            $$$$$"""{"replyToken":"nHuyWiB7yP5Zw52FIkcQobQuGDXCTA","type":"videoPlayComplete","timestamp":1462629479859,"mode":"active","source":{"type":"user","userId":"{{{{{User}}}}}"},"videoPlayComplete":{"trackingId":"track_id"}}""",
            $$$$$"""{"type":"undefined","mode":"active","timestamp":1462629479859,"source":{"type":"user","userId":"{{{{{User}}}}}"},"webhookEventId":"testwebhookeventid2","deliveryContext":{"isRedelivery":true},"undefinedField":{"1":1}}""",
            """{"type":"futureEventType","timestamp":1234567890,"source":{"type":"user","userId":"U123"}}""",
            $$$$$"""{"type":"message","timestamp":1234567890,"mode":"active","webhookEventId":"01H810E2VKWTRCJER1MMDP2BA5","replyToken":"nHuyWiB7yP5Zw52FIkcQobQuGDXCTA","source":{"type":"user","userId":"{{{{{User}}}}}"},"message":{"id":"325708","type":"futureMessageType","customField":"customValue"}}""",
            """{"type":"delivery","timestamp":1234567890,"mode":"active","webhookEventId":"01H810E2VKWTRCJER1MMDP2BA6","deliveryContext":{"isRedelivery":false},"delivery":{"data":"abc123"}}""",
            """{"type":"UNKNOWN","great":"new-field"}""");

        var batch = Split(body);

        batch.RejectedCount.Should().Be(0, string.Join("; ", batch.Rejected));
        batch.Messages.Should().HaveCount(20);
        batch.Messages[6].SessionId.Should().Be("shop:test_group_id");
        batch.Messages[7].SessionId.Should().Be("shop:C4af4980629...");
        batch.Messages[18].SessionId.Should().Be($"shop:{ConversationSession.NoConversation}");
        InboundEnvelope.Parse(Encoding.UTF8.GetString(batch.Messages[19].Body.Span)).Parsed.Kind.Should().Be(WebhookEventKind.Unknown);
    }

    [Fact]
    public void Only_the_first_rejected_events_are_kept_but_all_are_counted()
    {
        var events = Enumerable.Range(0, WebhookSplitter.MaxRejectionsKept + 20).Select(i => $$$"""{"type":"follow","webhookEventId":"01R{{{i}}}","source":{"type":"user","userId":"U#{{{i}}}"}}""");

        var batch = Split(WebhookJson.Body([.. events, WebhookJson.TextMessage("U1", "01OK")]));

        batch.Messages.Should().ContainSingle().Which.MessageId.Should().Be("01OK");
        batch.RejectedCount.Should().Be(WebhookSplitter.MaxRejectionsKept + 20);
        batch.Rejected.Should().HaveCount(WebhookSplitter.MaxRejectionsKept);
        batch.Rejected.Select(r => r.Position).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
    }

    [Fact]
    public void A_body_that_is_not_UTF_8_is_refused_naming_the_byte()
    {
        var body = Encoding.UTF8.GetBytes(WebhookJson.Body(WebhookJson.TextMessage("U1", "01HJ", text: "ab")));
        var at = Array.IndexOf(body, (byte)'a');
        body[at] = 0xff;

        WebhookSplitter.TrySplit("shop", body, ReceivedAt, out _, out var error).Should().BeFalse();

        error.Should().Be($"the body is not UTF-8 (byte {at + 1})");
    }

    [Theory]
    [InlineData("""{"destination":"U\ud800","events":[]}""", "'destination' has a lone surrogate escape")]
    [InlineData("""{"destination":"U1","\udc00":1,"events":[]}""", "a property name of the body has a lone surrogate escape")]
    [InlineData("""{"destination":"U1/2","events":[]}""", "'destination' has '/' at index 2")]
    [InlineData("""{"destination":"","events":[]}""", "'destination' is empty")]
    [InlineData("""{"destination":"U1","destination":"U2","events":[]}""", "'destination' appears more than once")]
    [InlineData("""{"destination":"U1","events":[],"events":[]}""", "'events' appears more than once")]
    public void A_body_whose_own_fields_cannot_be_used_is_refused(string body, string reason)
    {
        WebhookSplitter.TrySplit("shop", Encoding.UTF8.GetBytes(body), ReceivedAt, out _, out var error).Should().BeFalse();

        error.Should().StartWith(reason);
    }
}
