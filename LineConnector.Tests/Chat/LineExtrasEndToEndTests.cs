using System.Net;
using System.Text.Json;
using LineConnector.Core.Chat;
using LineConnector.Core.Enquiries;
using LineConnector.Tests.Line.Api;
using static LineConnector.Tests.Enquiries.EnquiryWorld;

namespace LineConnector.Tests.Chat;

/// <summary>LINE's own features end to end against the fake LINE: read receipts, the loading animation, quotes and unsend.</summary>
public class LineExtrasEndToEndTests
{
    private const string MarkAsReadPath = "/v2/bot/chat/markAsRead";
    private const string LoadingPath = "/v2/bot/chat/loading/start";

    private static string Reply(string text) =>
        $$"""{"staff":{"id":"aiko","firstName":"Aiko"},"messages":[{"type":"text","text":"{{text}}"}]}""";

    /// <summary>A user's text message carrying a read token and, optionally, quoting an earlier message.</summary>
    private static string TextWithTokens(string userId, string eventId, string messageId, string markAsReadToken, string? quotedMessageId = null)
    {
        var quoted = quotedMessageId is null ? "" : $$""","quotedMessageId":"{{quotedMessageId}}" """.TrimEnd();
        return $$"""{"type":"message","message":{"type":"text","id":"{{messageId}}","quoteToken":"q-{{messageId}}","markAsReadToken":"{{markAsReadToken}}","text":"Hi"{{quoted}}},"webhookEventId":"{{eventId}}","deliveryContext":{"isRedelivery":false},"timestamp":1692251666727,"source":{"type":"user","userId":"{{userId}}"},"replyToken":"reply-{{eventId}}","mode":"active"}""";
    }

    private static Dictionary<string, string?> Extras(bool readReceipts = false, bool loading = false, int? seconds = null)
    {
        var settings = new Dictionary<string, string?>
        {
            [$"Channels:{Channel}:ReadReceiptsEnabled"] = readReceipts ? "true" : "false",
            [$"Channels:{Channel}:LoadingAnimationEnabled"] = loading ? "true" : "false",
        };
        if (seconds is { } s)
        {
            settings[$"Channels:{Channel}:LoadingAnimationSeconds"] = s.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return settings;
    }

    private static async Task<ReplyAccepted> ReplyAsync(Enquiries.EnquiryWorld world, string enquiryId, string text)
    {
        var response = await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{enquiryId}/messages", DeskSecret, Reply(text));
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        await world.IdleAsync();
        return JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(), EnquiryApiJsonContext.Default.ReplyAccepted)!;
    }

    [Fact]
    public async Task A_staff_reply_marks_the_users_messages_as_read_with_the_token_of_the_latest()
    {
        await using var world = await StartAsync(Extras(readReceipts: true));
        await world.PostWebhookAsync(TextWithTokens(User(1), "01READ0000000000000000001", "7001", "read-token-first"));
        await world.PostWebhookAsync(TextWithTokens(User(1), "01READ0000000000000000002", "7002", "read-token-latest"));
        var enquiryId = world.Received("desk").First().Message.Enquiry.Id;

        var accepted = await ReplyAsync(world, enquiryId, "On it.");

        accepted.ReadReceipt.Should().Be(new ReadReceipt(ReadReceipt.Marked, null));
        var marked = world.Line.RequestsTo(MarkAsReadPath).Should().ContainSingle().Subject;
        marked.Json.GetProperty("markAsReadToken").GetString().Should().Be("read-token-latest");
        marked.Header("Authorization").Should().Be("Bearer " + AccessToken);
        world.App.Logs.AllText.Should().NotContain("read-token-latest");
    }

    [Fact]
    public async Task LINE_refusing_the_read_receipt_is_recorded_and_the_reply_still_goes_out()
    {
        await using var world = await StartAsync(Extras(readReceipts: true));
        world.Line.Script("POST", MarkAsReadPath, FakeReply.Error(400, "An invalid markAsReadToken is specified."));
        await world.PostWebhookAsync(TextWithTokens(User(2), "01READ0000000000000000003", "7003", "read-token-refused"));
        var enquiryId = world.Received("desk").First().Message.Enquiry.Id;

        var accepted = await ReplyAsync(world, enquiryId, "Still here.");

        accepted.ReadReceipt!.Status.Should().Be(ReadReceipt.Failed);
        accepted.ReadReceipt.Reason.Should().Contain("HTTP 400").And.Contain("invalid markAsReadToken");
        world.Line.Requests.Where(r => r.Path.EndsWith("/reply", StringComparison.Ordinal) || r.Path.EndsWith("/push", StringComparison.Ordinal))
            .Should().Contain(r => r.Json.GetProperty("messages")[0].GetProperty("text").GetString() == "Still here.");
        world.App.Logs.AllText.Should().Contain("the read receipt after a staff reply failed").And.NotContain("read-token-refused");
    }

    [Fact]
    public async Task A_destination_marks_messages_read_through_the_read_route_only_when_the_channel_has_read_receipts()
    {
        await using (var world = await StartAsync(Extras(readReceipts: true)))
        {
            await world.PostWebhookAsync(TextWithTokens(User(3), "01READ0000000000000000004", "7004", "read-token-route"));
            var enquiryId = world.Received("desk").First().Message.Enquiry.Id;

            (await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{enquiryId}/read", null)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            var response = await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{enquiryId}/read", DeskSecret);

            response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            (await response.Content.ReadAsStringAsync()).Should().Be("""{"status":"marked"}""");
            world.Line.RequestsTo(MarkAsReadPath).Should().ContainSingle().Which.Json.GetProperty("markAsReadToken").GetString().Should().Be("read-token-route");
        }

        await using (var world = await StartAsync(Extras(readReceipts: false)))
        {
            await world.PostWebhookAsync(TextWithTokens(User(3), "01READ0000000000000000005", "7005", "read-token-off"));
            var enquiryId = world.Received("desk").First().Message.Enquiry.Id;

            var response = await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{enquiryId}/read", DeskSecret);

            JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(), ChatJsonContext.Default.ReadReceipt)!.Status.Should().Be(ReadReceipt.Off);
            (await ReplyAsync(world, enquiryId, "Hello")).ReadReceipt!.Status.Should().Be(ReadReceipt.Off);
            world.Line.RequestsTo(MarkAsReadPath).Should().BeEmpty();
        }
    }

    [Fact]
    public async Task The_loading_animation_starts_for_one_to_one_events_forwarded_to_a_bot_and_never_for_staff_or_groups()
    {
        await using var world = await StartAsync(Extras(loading: true, seconds: 30));

        // To the staff desk: no animation.
        await world.PostWebhookAsync(Text(User(4), "01LOAD0000000000000000001"));
        world.Received("desk").Should().ContainSingle();
        world.Line.RequestsTo(LoadingPath).Should().BeEmpty();

        // The desk is away: the bot gets the next user's event, and LINE shows the animation to that user.
        world.Answer("desk", 503);
        await world.PostWebhookAsync(Text(User(5), "01LOAD0000000000000000002"));
        world.Received("backup").Should().ContainSingle();
        var started = world.Line.RequestsTo(LoadingPath).Should().ContainSingle().Subject;
        started.Json.GetProperty("chatId").GetString().Should().Be(User(5));
        started.Json.GetProperty("loadingSeconds").GetInt32().Should().Be(30);

        // A group's event to the same bot: LINE shows the animation in one-to-one chats only.
        await world.PostWebhookAsync(Support.WebhookJson.GroupMessage(Group(6), User(7), "01LOAD0000000000000000003"));
        world.Received("backup").Should().HaveCount(2);
        world.Line.RequestsTo(LoadingPath).Should().ContainSingle();
    }

    [Fact]
    public async Task A_failing_loading_animation_never_stops_the_forward()
    {
        await using var world = await StartAsync(Extras(loading: true));
        world.Line.Script("POST", LoadingPath, FakeReply.Error(400, "The loadingSeconds value is invalid."));
        world.Answer("desk", 503);

        await world.PostWebhookAsync(Text(User(8), "01LOAD0000000000000000004"));

        world.Received("backup").Should().ContainSingle();
        world.Line.RequestsTo(LoadingPath).Should().ContainSingle().Which.Json.GetProperty("loadingSeconds").GetInt32().Should().Be(20);
        var record = (await world.RowsAsync(Events)).Should().ContainSingle(r => r.RowKey == "01LOAD0000000000000000004").Subject;
        record.Properties["Detail"].Should().BeOfType<string>().Which.Should().Contain("LINE did not start the loading animation (HTTP 400");
    }

    [Fact]
    public async Task Forwarded_events_keep_the_quoted_message_and_an_unsend_names_the_message_to_withdraw()
    {
        await using var world = await StartAsync();
        await world.PostWebhookAsync(TextWithTokens(User(9), "01QUOTE000000000000000001", "8001", "t1"));
        await world.PostWebhookAsync(TextWithTokens(User(9), "01QUOTE000000000000000002", "8002", "t2", quotedMessageId: "8001"));
        await world.PostWebhookAsync($$$"""{"type":"unsend","mode":"active","timestamp":1692251666727,"source":{"type":"user","userId":"{{{User(9)}}}"},"webhookEventId":"01QUOTE000000000000000003","deliveryContext":{"isRedelivery":false},"unsend":{"messageId":"8002"}}""");

        var received = world.Received("desk").Select(r => r.Message).ToList();
        received.Should().HaveCount(3);
        received[1].Event!.Value.GetProperty("message").GetProperty("quotedMessageId").GetString().Should().Be("8001");
        received[0].WithdrawMessageId.Should().BeNull();
        received[2].WithdrawMessageId.Should().Be("8002");
    }
}
