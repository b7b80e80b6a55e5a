using System.Text.Json;
using LineConnector.Core.Line.Events;

namespace LineConnector.Tests.Line;

public class WebhookEventReaderTests
{
    private const string Common = """
        "mode":"active","timestamp":1462629479859,"webhookEventId":"01FZ74A0TDDPYRVKNK77XKC3ZR","deliveryContext":{"isRedelivery":false}
        """;

    private const string User = """ "source":{"type":"user","userId":"U4af4980629"} """;

    private static T Read<T>(string json) where T : WebhookEvent
    {
        var parsed = WebhookEventReader.Read(json);
        parsed.Should().BeOfType<T>($"it should parse: {(parsed as UnknownEvent)?.ParseError}");
        parsed.WebhookEventId.Should().Be("01FZ74A0TDDPYRVKNK77XKC3ZR");
        parsed.Timestamp.Should().Be(1462629479859);
        return (T)parsed;
    }

    [Fact]
    public void Text_message_with_emojis_mention_and_quote()
    {
        var e = Read<MessageEvent>($$$"""
            {"type":"message",{{{Common}}},{{{User}}},"replyToken":"nHuyWiB7yP5Zw52FIkcQobQuGDXCTA",
             "message":{"type":"text","id":"444573844083572737","quoteToken":"q3Plxr4AgKd","text":"@example Hello, world! (love)",
               "emojis":[{"index":29,"length":6,"productId":"5ac1bfd5040ab15980c9b435","emojiId":"001"}],
               "mention":{"mentionees":[{"index":0,"length":8,"type":"user","userId":"U49585cd0d5","isSelf":false},{"index":9,"length":4,"type":"all"}]},
               "quotedMessageId":"468789577898262530","markAsReadToken":"30yhdy232"}}
            """);

        e.ReplyToken.Should().Be("nHuyWiB7yP5Zw52FIkcQobQuGDXCTA");
        e.Source!.UserId.Should().Be("U4af4980629");
        e.Source.ConversationId.Should().Be("U4af4980629");
        e.IsStandby.Should().BeFalse();
        var text = e.Message.Should().BeOfType<TextMessageContent>().Subject;
        text.Text.Should().Be("@example Hello, world! (love)");
        text.Emojis!.Single().ProductId.Should().Be("5ac1bfd5040ab15980c9b435");
        text.Mention!.Mentionees.Select(m => m.Type).Should().Equal("user", "all");
        text.Mention.Mentionees[0].IsSelf.Should().BeFalse();
        text.QuotedMessageId.Should().Be("468789577898262530");
        text.MarkAsReadToken.Should().Be("30yhdy232");
    }

    [Fact]
    public void Media_file_location_and_sticker_messages()
    {
        MessageContent M(string message) => Read<MessageEvent>($$$"""{"type":"message",{{{Common}}},{{{User}}},"replyToken":"r","message":{{{message}}}}""").Message;

        var image = M("""{"type":"image","id":"354718705033693859","quoteToken":"q","contentProvider":{"type":"line"},"imageSet":{"id":"E005D41A","index":1,"total":2}}""")
            .Should().BeOfType<ImageMessageContent>().Subject;
        image.ContentProvider.Type.Should().Be("line");
        image.ImageSet!.Total.Should().Be(2);

        var video = M("""{"type":"video","id":"325708","duration":60000,"quoteToken":"q","contentProvider":{"type":"external","originalContentUrl":"https://example.com/original.mp4","previewImageUrl":"https://example.com/preview.jpg"}}""")
            .Should().BeOfType<VideoMessageContent>().Subject;
        video.Duration.Should().Be(60000);
        video.ContentProvider.OriginalContentUrl.Should().Be("https://example.com/original.mp4");

        M("""{"type":"audio","id":"325708","duration":60000,"contentProvider":{"type":"line"}}""")
            .Should().BeOfType<AudioMessageContent>().Which.Duration.Should().Be(60000);
        M("""{"type":"file","id":"325708","fileName":"file.txt","fileSize":2138}""")
            .Should().BeOfType<FileMessageContent>().Which.FileSize.Should().Be(2138);
        M("""{"type":"location","id":"325708","title":"my location","address":"日本、〒102-8282 東京都千代田区","latitude":35.67966,"longitude":139.73669}""")
            .Should().BeOfType<LocationMessageContent>().Which.Longitude.Should().Be(139.73669);
        var sticker = M("""{"type":"sticker","id":"1501597916","quoteToken":"q","stickerId":"52002738","packageId":"11537","stickerResourceType":"ANIMATION","keywords":["cony","sally"],"text":"Let's hang out"}""")
            .Should().BeOfType<StickerMessageContent>().Subject;
        sticker.PackageId.Should().Be("11537");
        sticker.StickerId.Should().Be("52002738");
        sticker.Keywords.Should().Equal("cony", "sally");
    }

    [Fact]
    public void An_unknown_message_type_keeps_its_raw_json()
    {
        var e = Read<MessageEvent>($$$"""{"type":"message",{{{Common}}},{{{User}}},"replyToken":"r","message":{"type":"hologram","id":"77","depth":3}}""");

        var unknown = e.Message.Should().BeOfType<UnknownMessageContent>().Subject;
        unknown.Type.Should().Be("hologram");
        unknown.Id.Should().Be("77");
        unknown.Raw.GetProperty("depth").GetInt32().Should().Be(3);
    }

    [Fact]
    public void Message_edited_event()
    {
        var e = Read<MessageEditedEvent>($$$"""{"type":"messageEdited",{{{Common}}},"source":{"type":"group","groupId":"Ca56f94637c","userId":"U4af4980629"},"replyToken":"r","message":{"type":"text","id":"444573844083572737","quoteToken":"q","text":"edited"}}""");

        e.Source!.ConversationId.Should().Be("Ca56f94637c");
        e.Message.Should().BeOfType<TextMessageContent>().Which.Text.Should().Be("edited");
    }

    [Fact]
    public void Every_other_event_type_of_webhook_yml()
    {
        Read<UnsendEvent>($$$"""{"type":"unsend",{{{Common}}},{{{User}}},"unsend":{"messageId":"325708"}}""").Unsend.MessageId.Should().Be("325708");
        Read<FollowEvent>($$$"""{"type":"follow",{{{Common}}},{{{User}}},"replyToken":"r","follow":{"isUnblocked":true}}""").Follow!.IsUnblocked.Should().BeTrue();
        Read<UnfollowEvent>($$$"""{"type":"unfollow",{{{Common}}},{{{User}}}}""");
        Read<JoinEvent>($$$"""{"type":"join",{{{Common}}},"source":{"type":"room","roomId":"Ra8dbf4673c"},"replyToken":"r"}""").Source!.ConversationId.Should().Be("Ra8dbf4673c");
        Read<LeaveEvent>($$$"""{"type":"leave",{{{Common}}},"source":{"type":"group","groupId":"Ca56f94637c"}}""");
        Read<MemberJoinedEvent>($$$"""{"type":"memberJoined",{{{Common}}},"source":{"type":"group","groupId":"C1"},"replyToken":"r","joined":{"members":[{"type":"user","userId":"U1"},{"type":"user","userId":"U2"}]}}""")
            .Joined.Members.Select(m => m.UserId).Should().Equal("U1", "U2");
        Read<MemberLeftEvent>($$$"""{"type":"memberLeft",{{{Common}}},"source":{"type":"group","groupId":"C1"},"left":{"members":[{"type":"user","userId":"U1"}]}}""")
            .Left.Members.Should().ContainSingle();
        var postback = Read<PostbackEvent>($$$"""{"type":"postback",{{{Common}}},{{{User}}},"replyToken":"r","postback":{"data":"storeId=12345","params":{"datetime":"2017-12-25T01:00"} } }""").Postback;
        postback.Data.Should().Be("storeId=12345");
        postback.Params!["datetime"].Should().Be("2017-12-25T01:00");
        Read<VideoPlayCompleteEvent>($$$"""{"type":"videoPlayComplete",{{{Common}}},{{{User}}},"replyToken":"r","videoPlayComplete":{"trackingId":"track-id"}}""").VideoPlayComplete.TrackingId.Should().Be("track-id");
        Read<BeaconEvent>($$$"""{"type":"beacon",{{{Common}}},{{{User}}},"replyToken":"r","beacon":{"hwid":"d41d8cd98f","type":"enter","dm":"1234"}}""").Beacon.Type.Should().Be("enter");
        Read<AccountLinkEvent>($$$"""{"type":"accountLink",{{{Common}}},{{{User}}},"replyToken":"r","link":{"result":"ok","nonce":"xxxxxxxxxxxxxxx"}}""").Link.Result.Should().Be("ok");
        Read<MembershipEvent>($$$"""{"type":"membership",{{{Common}}},{{{User}}},"replyToken":"r","membership":{"type":"joined","membershipId":3189}}""").Membership.MembershipId.Should().Be(3189);
        Read<ModuleEvent>($$$"""{"type":"module",{{{Common}}},"module":{"type":"attached","botId":"U111","scopes":["message:send"]}}""").Module.Scopes.Should().Equal("message:send");
        Read<ModuleEvent>($$$"""{"type":"module",{{{Common}}},"module":{"type":"detached","botId":"U111","reason":"bot_deleted"}}""").Module.Reason.Should().Be("bot_deleted");
        Read<ActivatedEvent>($$$"""{"type":"activated",{{{Common}}},"chatControl":{"expireAt":1462629479960}}""").ChatControl.ExpireAt.Should().Be(1462629479960);
        Read<DeactivatedEvent>($$$"""{"type":"deactivated",{{{Common}}}}""");
        Read<BotSuspendedEvent>($$$"""{"type":"botSuspended",{{{Common}}}}""");
        Read<BotResumedEvent>($$$"""{"type":"botResumed",{{{Common}}}}""");
        Read<DeliveryEvent>($$$"""{"type":"delivery",{{{Common}}},{{{User}}},"delivery":{"data":"8b34f2b0-bf5d-4c9c-b0e0-aef5f0d1ce86"}}""").Delivery.Data.Should().StartWith("8b34");
    }

    [Fact]
    public void Standby_and_redelivery_are_read()
    {
        var e = WebhookEventReader.Read($$$"""{"type":"message","mode":"standby","timestamp":1,"webhookEventId":"01X","deliveryContext":{"isRedelivery":true},{{{User}}},"message":{"type":"text","id":"1","quoteToken":"q","text":"x"}}""");

        e.IsStandby.Should().BeTrue();
        e.IsRedelivery.Should().BeTrue();
        ((MessageEvent)e).ReplyToken.Should().BeNull();
    }

    [Fact]
    public void An_unknown_event_type_is_kept_with_its_common_fields_and_raw_json()
    {
        var e = WebhookEventReader.Read($$$"""{"type":"teleport",{{{Common}}},{{{User}}},"destination":{"x":1}}""");

        var unknown = e.Should().BeOfType<UnknownEvent>().Subject;
        unknown.Type.Should().Be("teleport");
        unknown.ParseError.Should().BeNull();
        unknown.WebhookEventId.Should().Be("01FZ74A0TDDPYRVKNK77XKC3ZR");
        unknown.Source!.UserId.Should().Be("U4af4980629");
        unknown.Raw.GetProperty("destination").GetProperty("x").GetInt32().Should().Be(1);
    }

    [Theory]
    [InlineData("""{"type":"message","mode":"active","timestamp":1,"webhookEventId":"01A"}""", "message")]
    [InlineData("""{"type":"postback","mode":"active","timestamp":"soon","webhookEventId":"01A","postback":{"data":"x"}}""", "postback")]
    [InlineData("""{"type":"message","mode":"active","timestamp":1,"webhookEventId":"01A","message":[1]}""", "message")]
    public void A_known_type_that_does_not_match_the_schema_becomes_unknown_with_the_reason(string json, string type)
    {
        var unknown = WebhookEventReader.Read(json).Should().BeOfType<UnknownEvent>().Subject;

        unknown.Type.Should().Be(type);
        unknown.ParseError.Should().Contain($"'{type}' event did not match");
        unknown.WebhookEventId.Should().Be("01A");
        unknown.Raw.GetRawText().Should().Be(json);
    }

    [Fact]
    public void A_non_object_event_is_unknown()
    {
        using var doc = JsonDocument.Parse("42");
        WebhookEventReader.Read(doc.RootElement).Should().BeOfType<UnknownEvent>().Which.ParseError.Should().Contain("JSON object");
    }
}
