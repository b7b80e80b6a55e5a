using System.Text;
using LineConnector.Core.Line.Events;

namespace LineConnector.Tests.Chat;

public class MarkAsReadTokenReadingTests
{
    private static WebhookEvent Read(string markAsReadToken)
    {
        var json = """{"type":"message","webhookEventId":"01TOKEN","source":{"type":"user","userId":"U4af4980629"},"replyToken":"r","message":{"type":"text","id":"1","text":"Hi","markAsReadToken":""" + markAsReadToken + "}}";
        var read = WebhookEventReader.Read(Encoding.UTF8.GetBytes(json), out var problem);
        problem.Should().BeNull();
        return read!;
    }

    [Fact]
    public void A_usable_token_is_kept_with_the_message()
    {
        Read("\"30yhdy232+/=_-\"").Message!.MarkAsReadToken.Should().Be("30yhdy232+/=_-");
    }

    [Theory]
    [InlineData("\"with space\"")]
    [InlineData("\"\"")]
    [InlineData("42")]
    [InlineData("{\"token\":\"x\"}")]
    [InlineData("\"caf\\u00e9\"")]
    public void An_unusable_token_is_not_kept_and_the_event_goes_on(string token)
    {
        var read = Read(token);

        read.Message!.Id.Should().Be("1");
        read.Message.MarkAsReadToken.Should().BeNull();
    }

    [Fact]
    public void A_token_longer_than_1000_characters_is_not_kept()
    {
        Read($"\"{new string('t', 1000)}\"").Message!.MarkAsReadToken.Should().HaveLength(1000);
        Read($"\"{new string('t', 1001)}\"").Message!.MarkAsReadToken.Should().BeNull();
    }
}
