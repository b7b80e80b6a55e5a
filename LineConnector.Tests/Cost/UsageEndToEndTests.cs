using System.Net;
using System.Text.Json;
using LineConnector.Core.Cost;
using LineConnector.Tests.Line.Api;
using static LineConnector.Tests.Enquiries.EnquiryWorld;

namespace LineConnector.Tests.Cost;

/// <summary>Reply and push counts per channel and the quota warning, end to end against the fake LINE.</summary>
public class UsageEndToEndTests
{
    private const string StaffReply = """{"staff":{"id":"aiko","firstName":"Aiko"},"messages":[{"type":"text","text":"One"},{"type":"text","text":"Two"}]}""";

    [Fact]
    public async Task Usage_counts_the_messages_sent_by_reply_and_by_push_in_the_period()
    {
        await using var world = await StartAsync();
        await world.PostWebhookAsync(Text(User(1), "01USAGE000000000000000001"));
        var enquiryId = world.Received("desk").First().Message.Enquiry.Id;
        // The welcome took the reply token: the staff reply's two messages are pushed.
        (await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{enquiryId}/messages", DeskSecret, StaffReply)).StatusCode.Should().Be(HttpStatusCode.Accepted);
        await world.IdleAsync();

        var response = await world.CallAsync(HttpMethod.Get, $"/api/manage/channels/{Channel}/usage?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z", null);

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var usage = JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(), CostJsonContext.Default.UsageResource)!;
        usage.Reply.Should().Be(new UsageCount(1, 1));
        usage.Push.Should().Be(new UsageCount(1, 2));
        usage.ReplyShare.Should().BeApproximately(1 / 3.0, 1e-4);
        usage.Quota!.Quota.Should().Be(new Core.Line.Api.MessageQuota(null, 0));

        var before = await world.CallAsync(HttpMethod.Get, $"/api/manage/channels/{Channel}/usage?from=2000-01-01T00:00:00Z&to=2000-02-01T00:00:00Z", null);
        var none = JsonSerializer.Deserialize(await before.Content.ReadAsStringAsync(), CostJsonContext.Default.UsageResource)!;
        none.Reply.Should().Be(new UsageCount(0, 0));
        none.Push.Should().Be(new UsageCount(0, 0));
        none.ReplyShare.Should().BeNull();
    }

    [Fact]
    public async Task Usage_refuses_a_bad_period_and_an_unknown_channel()
    {
        await using var world = await StartAsync();

        (await world.CallAsync(HttpMethod.Get, $"/api/manage/channels/{Channel}/usage?from=yesterday", null)).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await world.CallAsync(HttpMethod.Get, $"/api/manage/channels/{Channel}/usage?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", null)).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await world.CallAsync(HttpMethod.Get, "/api/manage/channels/nowhere/usage", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Past_80_percent_of_the_quota_the_delivery_report_and_the_log_carry_a_warning()
    {
        await using var world = await StartAsync();
        world.Line.Script("GET", "/v2/bot/message/quota", new FakeReply(200, """{"type":"limited","value":500}"""));
        world.Line.Script("GET", "/v2/bot/message/quota/consumption", new FakeReply(200, """{"totalUsage":450}"""));
        await world.PostWebhookAsync(Text(User(2), "01USAGE000000000000000002"));
        var enquiryId = world.Received("desk").First().Message.Enquiry.Id;

        (await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{enquiryId}/messages", DeskSecret, StaffReply)).StatusCode.Should().Be(HttpStatusCode.Accepted);

        var report = await world.EventuallyAsync(() => world.Received("desk").Select(r => r.Message).FirstOrDefault(m => m.Kind == "delivery"), "the delivery report");
        report.Delivery!.QuotaWarning.Should().Be("the channel has used 450 of its 500 messages this month (90%): pushes fail once the limit is reached; replies within a minute stay free");
        world.App.Logs.AllText.Should().Contain($"Channel {Channel} is near its monthly LINE message limit: the channel has used 450 of its 500 messages");
    }
}
