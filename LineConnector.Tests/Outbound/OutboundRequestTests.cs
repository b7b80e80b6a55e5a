using System.Text;
using System.Text.Json;
using LineConnector.Core.Outbound;

namespace LineConnector.Tests.Outbound;

public class OutboundRequestTests
{
    private const string User = "U4af4980629a0b6ee5b5e0e9d1e7a1b8c";
    private static readonly DateTimeOffset ReceivedAt = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_built_request_becomes_a_queue_message_keyed_by_its_id_in_its_conversations_session()
    {
        var request = new OutboundRequestBuilder("evt-01J0ABC:welcome", "demo", User)
            .ForEnquiry("enq-7")
            .ReplyWith("reply-token", ReceivedAt)
            .From("Aiko", "https://example.com/a.png")
            .ReportTo("bot-a")
            .AddText("Welcome! 👋")
            .Build();

        var message = request.ToQueueMessage();

        message.MessageId.Should().Be("evt-01J0ABC:welcome");
        message.SessionId.Should().Be("demo:" + User);
        message.ContentType.Should().Be("application/json");
        using var body = JsonDocument.Parse(message.Body);
        body.RootElement.EnumerateObject().Select(p => p.Name).Should().Equal("outboundId", "channelId", "enquiryId", "recipient", "messages", "reply", "sender", "reportTo");
        body.RootElement.GetProperty("reply").GetProperty("token").GetString().Should().Be("reply-token");
        body.RootElement.GetProperty("reply").GetProperty("webhookReceivedAt").GetDateTimeOffset().Should().Be(ReceivedAt);
        body.RootElement.GetProperty("messages")[0].GetProperty("text").GetString().Should().Be("Welcome! 👋");
    }

    [Fact]
    public void A_queue_message_reads_back_as_the_same_request()
    {
        var request = new OutboundRequestBuilder("out-1", "demo", User).ReplyWith("t", ReceivedAt).AddText("a").AddText("b").Build();

        var parsed = OutboundRequest.TryParse(Encoding.UTF8.GetString(request.ToQueueMessage().Body.Span), out var read, out var problems);

        parsed.Should().BeTrue();
        problems.Should().BeEmpty();
        read!.OutboundId.Should().Be("out-1");
        read.Reply.Should().Be(new OutboundReply("t", ReceivedAt));
        read.Sender.Should().BeNull();
        read.EnquiryId.Should().BeNull();
        read.Messages.GetRawText().Should().Be(request.Messages.GetRawText());
    }

    [Fact]
    public void Optional_parts_are_left_out_of_the_body()
    {
        var message = new OutboundRequestBuilder("out-1", "demo", User).AddText("a").Build().ToQueueMessage();

        using var body = JsonDocument.Parse(message.Body);
        body.RootElement.EnumerateObject().Select(p => p.Name).Should().Equal("outboundId", "channelId", "recipient", "messages");
    }

    [Fact]
    public void Message_objects_are_kept_as_given()
    {
        const string flexLike = """{"type":"text","text":"Pick one","quickReply":{"items":[{"type":"action","action":{"type":"message","label":"Yes","text":"Yes"}}]},"x-unknown":[1,2]}""";

        var request = new OutboundRequestBuilder("out-1", "demo", User).AddMessage(JsonDocument.Parse(flexLike).RootElement).Build();

        request.Messages[0].GetRawText().Should().Be(flexLike);
    }

    [Fact]
    public void Every_problem_is_named()
    {
        var build = () => new OutboundRequestBuilder("", "demo/x", "U123")
            .ForEnquiry("")
            .ReplyWith("", default)
            .From("A name that is far too long for LINE", "http://example.com/icon.png")
            .ReportTo("")
            .Build();

        var error = build.Should().Throw<ArgumentException>().Which;

        foreach (var field in new[] { "outboundId", "channelId", "enquiryId", "recipient", "messages", "reply.token", "reply.webhookReceivedAt", "sender.name", "sender.iconUrl", "reportTo" })
        {
            error.Message.Should().Contain(field);
        }
    }

    [Theory]
    [InlineData("U4af4980629a0b6ee5b5e0e9d1e7a1b8c", true)]
    [InlineData("Cd41a40a1b61a4d7e24d2bad4e2ebf0b8", true)]
    [InlineData("R8ec7e3ef1c2b4c8e1bd0e3a4e5f6a7b8", true)]
    [InlineData("X4af4980629a0b6ee5b5e0e9d1e7a1b8c", false)]
    [InlineData("U4AF4980629A0B6EE5B5E0E9D1E7A1B8C", false)]
    [InlineData("U4af4980629a0b6ee5b5e0e9d1e7a1b8", false)]
    [InlineData("U4af4980629a0b6ee5b5e0e9d1e7a1b8c0", false)]
    public void The_recipient_is_a_line_user_group_or_room_id(string recipient, bool valid)
    {
        var build = () => new OutboundRequestBuilder("out-1", "demo", recipient).AddText("a").Build();

        if (valid)
        {
            build.Should().NotThrow();
        }
        else
        {
            build.Should().Throw<ArgumentException>().WithMessage("*recipient*");
        }
    }

    [Fact]
    public void The_sender_name_may_have_twenty_characters()
    {
        var twenty = () => new OutboundRequestBuilder("out-1", "demo", User).From(new string('a', 20)).AddText("a").Build();
        var twentyOne = () => new OutboundRequestBuilder("out-1", "demo", User).From(new string('a', 21)).AddText("a").Build();

        twenty.Should().NotThrow();
        twentyOne.Should().Throw<ArgumentException>().WithMessage("*sender.name must be 1 to 20 characters (it has 21)*");
    }

    [Theory]
    [InlineData("""{"channelId":"demo","recipient":"U4af4980629a0b6ee5b5e0e9d1e7a1b8c","messages":[{"type":"text","text":"a"}]}""", "outboundId")]
    [InlineData("""{"outboundId":"o","channelId":"demo","recipient":"U4af4980629a0b6ee5b5e0e9d1e7a1b8c","messages":[{"type":"text","text":"a"}, 5]}""", "messages[1] must be a JSON object")]
    [InlineData("""{"outboundId":"o","channelId":"demo","recipient":"U4af4980629a0b6ee5b5e0e9d1e7a1b8c","messages":{"type":"text"}}""", "messages must be a non-empty JSON array")]
    [InlineData("""[1,2]""", "not an outbound message")]
    [InlineData("""null""", "null")]
    public void An_invalid_body_is_refused_with_its_problem(string body, string problem)
    {
        OutboundRequest.TryParse(body, out _, out var problems).Should().BeFalse();

        problems.Should().Contain(p => p.Contains(problem, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("out-1", 0, "d74912fe-d37a-5bf7-9c11-302838fb952b")]
    [InlineData("out-1", 1, "e06b14c9-ba5c-553d-8f31-5f679ac06d10")]
    [InlineData("ülid-01J", 3, "9cac3004-fba8-5c5d-a51b-cc1c5b989c65")]
    public void Retry_keys_are_name_based_uuids_of_the_outbound_id_and_request_index(string outboundId, int index, string expected)
    {
        // Expected values from an independent RFC 9562 version 5 implementation (Python's uuid.uuid5).
        RetryKey.For(outboundId, index).Should().Be(Guid.Parse(expected));
        RetryKey.For(outboundId, index).Should().Be(RetryKey.For(outboundId, index));
        RetryKey.For(outboundId, index).Version.Should().Be(5);
    }
}
