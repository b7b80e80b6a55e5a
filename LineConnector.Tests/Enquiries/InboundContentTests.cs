using System.Text;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Line.Events;

namespace LineConnector.Tests.Enquiries;

public class InboundContentTests
{
    private const string Enquiry = "shop.0123456789abcdef01234567";

    private static InboundContent? Of(string message) =>
        InboundContent.Of("shop", Enquiry, Read($$"""{"type":"message","message":{{message}},"webhookEventId":"01A"}"""));

    private static WebhookEvent Read(string json) =>
        WebhookEventReader.Read(Encoding.UTF8.GetBytes(json), out var problem) ?? throw new InvalidOperationException(problem!.Reason);

    [Theory]
    [InlineData("""{"type":"image","id":"325708","contentProvider":{"type":"line"}}""", "image")]
    [InlineData("""{"type":"video","id":"325708","duration":60000,"contentProvider":{"type":"line"}}""", "video")]
    [InlineData("""{"type":"audio","id":"325708","duration":60000,"contentProvider":{"type":"line"}}""", "audio")]
    [InlineData("""{"type":"file","id":"325708","fileName":"a.pdf","fileSize":2138}""", "file")]
    public void Content_LINE_keeps_is_recognised(string message, string kind)
    {
        Of(message).Should().Be(new InboundContent("shop", "325708", Enquiry, kind));
    }

    [Theory]
    [InlineData("""{"type":"image","id":"325708","contentProvider":{"type":"external","originalContentUrl":"https://example.com/a.jpg"}}""")]
    [InlineData("""{"type":"video","id":"325708"}""")]
    [InlineData("""{"type":"text","id":"325708","text":"hi"}""")]
    [InlineData("""{"type":"sticker","id":"325708","packageId":"1","stickerId":"1"}""")]
    [InlineData("""{"type":"image","id":"32-57","contentProvider":{"type":"line"}}""")]
    public void Other_messages_carry_no_content_to_fetch(string message)
    {
        Of(message).Should().BeNull();
    }

    [Theory]
    [InlineData("""{"type":"image","id":"32/57","contentProvider":{"type":"line"}}""")]
    [InlineData("""{"type":"image","id":325708,"contentProvider":{"type":"line"}}""")]
    public void A_message_id_that_cannot_be_a_key_never_reaches_the_content_record(string message)
    {
        WebhookEventReader.Read(Encoding.UTF8.GetBytes($$"""{"type":"message","message":{{message}},"webhookEventId":"01A"}"""), out var problem).Should().BeNull();

        problem!.Reason.Should().StartWith("'message.id'");
    }

    [Fact]
    public void Events_other_than_messages_carry_no_content()
    {
        InboundContent.Of("shop", Enquiry, Read("""{"type":"unsend","unsend":{"messageId":"325708"}}""")).Should().BeNull();
    }

    [Fact]
    public void Only_video_and_audio_wait_for_transcoding()
    {
        new[] { "image", "video", "audio", "file" }.Where(k => new InboundContent("shop", "1", Enquiry, k).NeedsTranscoding).Should().Equal("video", "audio");
    }
}
