using System.Net;
using System.Net.Http.Json;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Line.Api;
using static LineConnector.Tests.Enquiries.EnquiryWorld;

namespace LineConnector.Tests.Enquiries;

/// <summary>Local mode end to end: a destination notifies LINE users outside any enquiry (DESIGN §5, Conversation control).</summary>
public class NotifyEndToEndTests
{
    private const string Notify = $"/api/channels/{Channel}/notify";

    private static async Task<NotifyAccepted> NotifyAsync(EnquiryWorld world, string json, string secret = DeskSecret, string? key = null)
    {
        var response = await world.CallAsync(HttpMethod.Post, Notify, secret, json, key);
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync(EnquiryApiJsonContext.Default.NotifyAccepted))!;
    }

    private static IReadOnlyList<Line.Api.RecordedRequest> Sends(EnquiryWorld world) =>
        world.Line.Requests.Where(r => r.Method == "POST" && r.Path.StartsWith("/v2/bot/message/", StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task A_user_with_no_enquiry_gets_the_messages_by_push_with_a_retry_key_and_the_caller_hears_how_it_ended()
    {
        await using var world = await StartAsync();

        var accepted = await NotifyAsync(world, $$"""{"to":"{{User(1)}}","messages":[{"type":"text","text":"Your order has shipped"}]}""", key: "shipped-1");
        await world.IdleAsync();

        accepted.Recipients.Should().Be(1);
        accepted.EnquiryId.Should().BeNull();
        var push = Sends(world).Should().ContainSingle().Subject;
        push.Path.Should().Be("/v2/bot/message/push");
        push.Json.GetProperty("to").GetString().Should().Be(User(1));
        push.Json.GetProperty("messages")[0].GetProperty("text").GetString().Should().Be("Your order has shipped");
        Guid.TryParse(push.Headers[LineApiClient.RetryKeyHeader], out _).Should().BeTrue();
        var report = await world.EventuallyAsync(() => world.Received("desk").Select(r => r.Message).FirstOrDefault(m => m.Kind == "delivery"), "the delivery report");
        report.Delivery!.Should().Match<Core.Destinations.DeliveryInfo>(d => d.OutboundId == accepted.OutboundId && d.Status == "delivered");
        (await world.RowsAsync(EnquiryWorld.Enquiries)).Should().BeEmpty("a notification opens no enquiry");

        // The same Idempotency-Key is the same notification: LINE is not called again.
        (await NotifyAsync(world, $$"""{"to":"{{User(1)}}","messages":[{"type":"text","text":"Your order has shipped"}]}""", key: "shipped-1")).OutboundId.Should().Be(accepted.OutboundId);
        await world.IdleAsync();
        Sends(world).Should().ContainSingle();
    }

    [Fact]
    public async Task A_message_type_the_outbound_policy_refuses_is_refused_with_its_reason()
    {
        await using var world = await StartAsync();

        var accepted = await NotifyAsync(world, $$$"""{"to":"{{{User(2)}}}","messages":[{"type":"flex","altText":"Offer","contents":{"type":"bubble"}}]}""");

        var report = await world.EventuallyAsync(() => world.Received("desk").Select(r => r.Message).FirstOrDefault(m => m.Kind == "delivery"), "the delivery report");
        report.Delivery!.Status.Should().Be("failed");
        report.Delivery.OutboundId.Should().Be(accepted.OutboundId);
        report.Delivery.Failure!.Kind.Should().Be("refused");
        report.Delivery.Failure.Details.Should().Contain(d => d.Contains("flex", StringComparison.Ordinal));
        Sends(world).Should().BeEmpty();
    }

    [Fact]
    public async Task Three_users_at_once_are_one_multicast_request()
    {
        await using var world = await StartAsync();

        var accepted = await NotifyAsync(world, $$"""{"to":["{{User(3)}}","{{User(4)}}","{{User(5)}}"],"messages":[{"type":"text","text":"We are open tomorrow"}]}""");
        await world.IdleAsync();

        accepted.Recipients.Should().Be(3);
        var multicast = Sends(world).Should().ContainSingle().Subject;
        multicast.Path.Should().Be("/v2/bot/message/multicast");
        multicast.Json.GetProperty("to").EnumerateArray().Select(u => u.GetString()).Should().Equal(User(3), User(4), User(5));
        multicast.Headers.Should().ContainKey(LineApiClient.RetryKeyHeader);
        var report = await world.EventuallyAsync(() => world.Received("desk").Select(r => r.Message).FirstOrDefault(m => m.Kind == "delivery"), "the delivery report");
        report.Delivery!.Status.Should().Be("delivered");
    }

    [Fact]
    public async Task With_an_open_enquiry_the_message_is_recorded_on_it()
    {
        await using var world = await StartAsync();
        await world.PostWebhookAsync(Text(User(6), "01NOTIFY00000000000000001"));

        var accepted = await NotifyAsync(world, $$"""{"to":"{{User(6)}}","messages":[{"type":"text","text":"About your question"}]}""", BackupSecret);
        await world.IdleAsync();

        accepted.EnquiryId.Should().Be(EnquiryIds.For(Channel, User(6), "01NOTIFY00000000000000001"));
        world.Outbound().Should().Contain(o => o.OutboundId == accepted.OutboundId && o.EnquiryId == accepted.EnquiryId && o.ReportTo == "backup");
    }

    [Fact]
    public async Task Wrong_bearers_and_bad_requests_are_refused()
    {
        await using var world = await StartAsync();
        var body = $$"""{"to":"{{User(7)}}","messages":[{"type":"text","text":"Hi"}]}""";

        (await world.CallAsync(HttpMethod.Post, Notify, null, body)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await world.CallAsync(HttpMethod.Post, Notify, "a-secret-of-another-channel", body)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await world.CallAsync(HttpMethod.Post, "/api/channels/other-channel/notify", DeskSecret, body)).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the desk is no destination of that channel");
        var six = await world.CallAsync(HttpMethod.Post, Notify, DeskSecret, $$"""{"to":"{{User(7)}}","messages":[{{string.Join(',', Enumerable.Repeat("""{"type":"text","text":"x"}""", 6))}}]}""");
        six.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await six.Content.ReadAsStringAsync()).Should().Contain("1 to 5 LINE message objects");
        var group = await world.CallAsync(HttpMethod.Post, Notify, DeskSecret, $$"""{"to":["{{User(7)}}","{{Group(1)}}"],"messages":[{"type":"text","text":"x"}]}""");
        group.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await group.Content.ReadAsStringAsync()).Should().Contain("to[1]");
        Sends(world).Should().BeEmpty();
    }
}
