using System.Net;
using System.Text.Json;
using LineConnector.Core.Destinations;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Queueing;
using static LineConnector.Tests.Enquiries.EnquiryWorld;

namespace LineConnector.Tests.Enquiries;

/// <summary>Local mode end to end: signed webhooks in, enquiries, destinations on a real web server, replies out to a fake LINE.</summary>
public class EnquiryEndToEndTests
{
    private static string Reply(string staffId, string firstName, string text) =>
        $$"""{"staff":{"id":"{{staffId}}","firstName":"{{firstName}}","lastName":"Tanaka"},"messages":[{"type":"text","text":"{{text}}"}]}""";

    [Fact]
    public async Task A_message_opens_an_enquiry_that_the_destination_receives_and_answers_through_the_API()
    {
        await using var world = await StartAsync();

        await world.PostWebhookAsync(Text(User(1), "01EVENT000000000000000001", "Where is my order?"));

        // The welcome message is queued for LINE with the event's reply token.
        var welcome = world.Outbound().Should().ContainSingle().Subject;
        Texts(welcome).Should().Equal(Core.Channels.AutoMessages.DefaultWelcomeText);
        welcome.Recipient.Should().Be(User(1));
        welcome.Reply!.Token.Should().Be("reply-01EVENT000000000000000001");

        // The event reaches the destination, signed with its secret, with what staff need to see.
        var (forwarded, request) = world.Received("desk").Should().ContainSingle().Subject;
        DestinationSignature.IsValid(request.Body, request.Headers[DestinationSignature.Header], DeskSecret).Should().BeTrue();
        request.Headers[DestinationSignature.DeliveryIdHeader].Should().Be("01EVENT000000000000000001");
        forwarded.Kind.Should().Be("event");
        forwarded.Channel.Should().Be(new ChannelInfo(Channel, "Shop", CustomInfo, "first"));
        forwarded.Source!.Value.GetProperty("userId").GetString().Should().Be(User(1));
        forwarded.Event!.Value.GetProperty("message").GetProperty("text").GetString().Should().Be("Where is my order?");
        forwarded.Enquiry.State.Should().Be("open");
        var enquiryId = forwarded.Enquiry.Id;
        enquiryId.Should().Be(EnquiryIds.For(Channel, "01EVENT000000000000000001"));

        // The staff service answers through the enquiry API.
        var response = await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{enquiryId}/messages", DeskSecret, Reply("aiko", "Aiko", "It ships today."));
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var accepted = JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(), EnquiryApiJsonContext.Default.ReplyAccepted)!;
        accepted.SenderName.Should().Be("Aiko");
        accepted.Enquiry.State.Should().Be("ongoing");
        await world.IdleAsync();

        // The reply is queued for LINE as the staff member, and LINE gets it.
        var reply = world.Outbound().Should().HaveCount(2).And.Subject.Last();
        reply.OutboundId.Should().Be(accepted.OutboundId);
        Texts(reply).Should().Equal("It ships today.");
        reply.Sender!.Name.Should().Be("Aiko");
        reply.ReportTo.Should().Be("desk");
        var sentToLine = world.Line.Requests.Where(r => r.Path.EndsWith("/reply", StringComparison.Ordinal) || r.Path.EndsWith("/push", StringComparison.Ordinal)).ToList();
        sentToLine.Should().HaveCount(2);
        sentToLine.Last().Json.GetProperty("messages")[0].GetProperty("sender").GetProperty("name").GetString().Should().Be("Aiko");

        // The destination hears how its reply ended.
        var report = await world.EventuallyAsync(() => world.Received("desk").Select(r => r.Message).FirstOrDefault(m => m.Kind == "delivery"), "the delivery report");
        report.Id.Should().Be($"delivery-{accepted.OutboundId}");
        report.Delivery!.Status.Should().Be("delivered");
        report.Delivery.SentMessageIds.Should().ContainSingle();

        var enquiry = await world.EnquiryAsync(enquiryId);
        enquiry.Should().Match<EnquiryResource>(e => e.State == "ongoing" && e.DestinationId == "desk" && e.StaffMemberId == "aiko" && e.SourceId == User(1));

        // No credential ever reaches a destination, a log line or an answer.
        var everything = string.Join("\n", world.Destinations.Requests.Select(r => r.BodyText + string.Join(" ", r.Headers.Values))) + world.App.Logs.AllText;
        everything.Should().NotContain(AccessToken).And.NotContain(DeskSecret).And.NotContain(BackupSecret).And.NotContain(Support.ConnectorApp.Secret);
    }
}
