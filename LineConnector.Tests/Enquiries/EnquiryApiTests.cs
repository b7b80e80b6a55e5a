using System.Net;
using System.Text.Json;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Queueing;
using LineConnector.Tests.Line.Api;
using static LineConnector.Tests.Enquiries.EnquiryWorld;

namespace LineConnector.Tests.Enquiries;

/// <summary>The enquiry API's answers: who may ask, what it refuses before anything changes, and long replies.</summary>
public class EnquiryApiTests
{
    private static string Reply(params string[] texts) =>
        JsonSerializer.Serialize(new { staff = new { id = "aiko", firstName = "Aiko" }, messages = texts.Select(t => new { type = "text", text = t }) });

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task Without_the_right_bearer_every_enquiry_id_answers_401_whether_or_not_it_exists()
    {
        await using var world = await StartAsync();
        await world.PostWebhookAsync(Text(User(40), "01EVENT000000000000000040"));
        var existing = EnquiryIds.For(Channel, User(40), "01EVENT000000000000000040");
        var missing = $"{Channel}.0123456789abcdef01234567";
        var otherChannel = "elsewhere.0123456789abcdef01234567";

        foreach (var secret in new string?[] { null, "not-a-secret" })
        {
            var answers = new List<(HttpStatusCode Status, string? Detail)>();
            foreach (var id in new[] { existing, missing })
            {
                var response = await world.CallAsync(HttpMethod.Get, $"/api/enquiries/{id}", secret);
                answers.Add((response.StatusCode, (await JsonAsync(response)).GetProperty("detail").GetString()));
            }

            answers.Should().AllSatisfy(a => a.Status.Should().Be(HttpStatusCode.Unauthorized));
            answers.Select(a => a.Detail).Distinct().Should().ContainSingle("the answer says nothing of whether the enquiry exists");
        }

        (await world.CallAsync(HttpMethod.Get, $"/api/enquiries/{otherChannel}", DeskSecret)).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the desk is no destination of that channel");
        (await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{missing}/messages", null, "not json")).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "nobody unauthenticated learns how the body is judged");
        (await world.CallAsync(HttpMethod.Get, $"/api/enquiries/{missing}", DeskSecret)).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_reply_of_twelve_messages_reaches_LINE_in_order_over_three_requests()
    {
        await using var world = await StartAsync();
        await world.PostWebhookAsync(Text(User(41), "01EVENT000000000000000041"));
        var id = EnquiryIds.For(Channel, User(41), "01EVENT000000000000000041");
        var texts = Enumerable.Range(1, 12).Select(i => $"part {i}").ToArray();

        // The welcome took the event's reply token: the reply is pushed, 5 objects per request.
        var response = await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{id}/messages", DeskSecret, Reply(texts));
        await world.IdleAsync();

        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var pushes = world.Line.RequestsTo("/v2/bot/message/push").Where(r => r.Body.Contains("part ", StringComparison.Ordinal)).ToList();
        pushes.Select(p => p.Json.GetProperty("messages").GetArrayLength()).Should().Equal(5, 5, 2);
        pushes.SelectMany(p => p.Json.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString())).Should().Equal(texts);
        var report = await world.EventuallyAsync(() => world.Received("desk").Select(r => r.Message).FirstOrDefault(m => m.Kind == "delivery"), "the delivery report");
        report.Delivery!.Status.Should().Be("delivered");
        report.Delivery.SentMessageIds.Should().HaveCount(12);
    }

    [Fact]
    public async Task A_reply_longer_than_the_limit_names_the_limit()
    {
        await using var world = await StartAsync();
        await world.PostWebhookAsync(Text(User(42), "01EVENT000000000000000042"));
        var id = EnquiryIds.For(Channel, User(42), "01EVENT000000000000000042");

        var response = await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{id}/messages", DeskSecret, Reply([.. Enumerable.Range(0, EnquiryService.MaxMessagesPerReply + 1).Select(i => $"m{i}")]));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await JsonAsync(response)).GetProperty("errors").GetProperty("messages")[0].GetString().Should().Contain($"1 to {EnquiryService.MaxMessagesPerReply}");
        world.Outbound().Should().ContainSingle("only the welcome went out");
    }

    [Fact]
    public async Task A_reply_to_a_source_LINE_cannot_address_is_refused_before_the_enquiry_changes()
    {
        await using var world = await StartAsync();
        await world.PostWebhookAsync(Text("Unot-a-line-user", "01EVENT000000000000000043"));
        var id = EnquiryIds.For(Channel, "Unot-a-line-user", "01EVENT000000000000000043");
        var before = await world.EnquiryAsync(id);

        var response = await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{id}/messages", DeskSecret, Reply("Hello"));

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await JsonAsync(response)).GetProperty("detail").GetString().Should().Contain("Unot-a-line-user").And.Contain("not a LINE user");
        (await world.EnquiryAsync(id)).Should().BeEquivalentTo(before, "nothing changed");
        world.Queue.Sent.Where(s => s.Queue == QueueNames.Outbound).Should().BeEmpty("nothing can be addressed to this source, and the refused reply queued nothing");
    }

    [Fact]
    public async Task Content_LINE_still_prepares_is_a_202_that_is_no_problem_document()
    {
        await using var world = await StartAsync();
        const string video = "600000000000000071";
        await world.PostWebhookAsync(ContentMessage(User(44), "01EVENT000000000000000044", "video", video));
        var id = EnquiryIds.For(Channel, User(44), "01EVENT000000000000000044");
        world.Line.Script("GET", $"/v2/bot/message/{video}/content/transcoding", new FakeReply(200, """{"status":"processing"}"""));

        var response = await world.CallAsync(HttpMethod.Get, $"/api/enquiries/{id}/content/{video}", DeskSecret);

        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        var body = await JsonAsync(response);
        body.GetProperty("messageId").GetString().Should().Be(video);
        body.GetProperty("retryAfterSeconds").GetInt32().Should().Be(5);
        body.TryGetProperty("status", out _).Should().BeFalse("a 202 is not a problem");
        response.Headers.Location!.ToString().Should().Be($"/api/enquiries/{id}/content/{video}");
    }
}
