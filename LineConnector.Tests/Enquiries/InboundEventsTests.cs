using System.Text;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Line.Events;

namespace LineConnector.Tests.Enquiries;

public class InboundEventsTests
{
    private const string Rest = "\"webhookEventId\":\"01A\",\"mode\":\"active\",\"timestamp\":1,\"source\":{\"type\":\"user\",\"userId\":\"U0123456789abcdef0123456789abcdef\"}}";

    [Theory]
    [InlineData("""{"type":"message","message":{"type":"text","id":"1","text":"hi"},"replyToken":"r",""", EventRole.Converses)]
    [InlineData("""{"type":"postback","postback":{"data":"a=1"},"replyToken":"r",""", EventRole.Converses)]
    [InlineData("""{"type":"follow","follow":{"isUnblocked":false},"replyToken":"r",""", EventRole.Converses)]
    [InlineData("""{"type":"join","replyToken":"r",""", EventRole.Converses)]
    [InlineData("""{"type":"unfollow",""", EventRole.FollowsUp)]
    [InlineData("""{"type":"leave",""", EventRole.FollowsUp)]
    [InlineData("""{"type":"unsend","unsend":{"messageId":"1"},""", EventRole.FollowsUp)]
    [InlineData("""{"type":"beacon","beacon":{"hwid":"d41d8cd98f","type":"enter"},"replyToken":"r",""", EventRole.FollowsUp)]
    [InlineData("""{"type":"videoPlayComplete","videoPlayComplete":{"trackingId":"t"},"replyToken":"r",""", EventRole.FollowsUp)]
    [InlineData("""{"type":"somethingNew",""", EventRole.FollowsUp)]
    [InlineData("""{"type":"deactivated",""", EventRole.Ignored)]
    [InlineData("""{"type":"botSuspended",""", EventRole.Ignored)]
    public void Each_event_type_has_its_role(string start, EventRole role)
    {
        var webhookEvent = Read(start + Rest);

        InboundEvents.RoleOf(webhookEvent).Role.Should().Be(role);
    }

    [Fact]
    public void A_standby_message_only_follows_up_and_says_why()
    {
        var webhookEvent = Read("""{"type":"message","message":{"type":"text","id":"1","text":"hi"},""" + Rest.Replace("active", "standby", StringComparison.Ordinal));

        InboundEvents.RoleOf(webhookEvent).Should().Be((EventRole.FollowsUp, "The 'message' event is in standby mode: another channel has the chat, so the connector never answers it."));
    }

    private static WebhookEvent Read(string json) =>
        WebhookEventReader.Read(Encoding.UTF8.GetBytes(json), out var problem) ?? throw new InvalidOperationException(problem!.Reason);
}
