using System.Net;
using System.Net.Http.Json;
using LineConnector.Core.Enquiries;
using static LineConnector.Tests.Enquiries.EnquiryWorld;

namespace LineConnector.Tests.Enquiries;

/// <summary>Local mode end to end: a destination injects a user input into an enquiry (DESIGN §5, Conversation control).</summary>
public class InjectEndToEndTests
{
    [Fact]
    public async Task An_injected_input_reaches_the_destination_marked_injected_in_order_with_the_users_events()
    {
        await using var world = await StartAsync();
        await world.PostWebhookAsync(Text(User(1), "01INJECT00000000000000001", "First"));
        var id = EnquiryIds.For(Channel, User(1), "01INJECT00000000000000001");

        // The bot of the channel injects (any destination of the channel may); the user's next event is queued right after it.
        var response = await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{id}/inject", BackupSecret, """{"text":"Order number 1234"}""", idempotencyKey: "order-1");
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var accepted = (await response.Content.ReadFromJsonAsync(EnquiryApiJsonContext.Default.InjectAccepted))!;
        var postback = await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{id}/inject", DeskSecret, """{"postback":{"data":"action=buy&item=42"}}""");
        postback.StatusCode.Should().Be(HttpStatusCode.Accepted);
        await world.PostWebhookAsync(Text(User(1), "01INJECT00000000000000002", "Last"));

        var events = world.Received("desk").Select(r => r.Message).Where(m => m.Kind == "event").ToList();
        events.Select(m => m.Event!.Value.GetProperty("type").GetString()).Should().Equal("message", "message", "postback", "message");
        var injected = events[1];
        injected.Id.Should().Be(accepted.EventId);
        injected.Enquiry.Id.Should().Be(id);
        injected.Event!.Value.GetProperty("injected").GetBoolean().Should().BeTrue();
        injected.Event.Value.GetProperty("message").GetProperty("text").GetString().Should().Be("Order number 1234");
        injected.Event.Value.GetProperty("source").GetProperty("userId").GetString().Should().Be(User(1));
        injected.Event.Value.TryGetProperty("replyToken", out _).Should().BeFalse("nothing can reply to an injected input");
        events[2].Event!.Value.GetProperty("postback").GetProperty("data").GetString().Should().Be("action=buy&item=42");
        events[3].Event!.Value.TryGetProperty("injected", out _).Should().BeFalse();

        // A retried call with the same Idempotency-Key goes in once.
        var again = await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{id}/inject", BackupSecret, """{"text":"Order number 1234"}""", idempotencyKey: "order-1");
        (await again.Content.ReadFromJsonAsync(EnquiryApiJsonContext.Default.InjectAccepted))!.EventId.Should().Be(accepted.EventId);
        await world.IdleAsync();
        world.Received("desk").Count(r => r.Message.Kind == "event").Should().Be(4);
    }

    [Fact]
    public async Task Wrong_bearers_bad_inputs_and_closed_enquiries_are_refused()
    {
        await using var world = await StartAsync();
        await world.PostWebhookAsync(Text(User(2), "01INJECT00000000000000003"));
        var id = EnquiryIds.For(Channel, User(2), "01INJECT00000000000000003");
        var inject = $"/api/enquiries/{id}/inject";

        (await world.CallAsync(HttpMethod.Post, inject, null, """{"text":"hi"}""")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await world.CallAsync(HttpMethod.Post, inject, "a-secret-of-another-channel", """{"text":"hi"}""")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var both = await world.CallAsync(HttpMethod.Post, inject, DeskSecret, """{"text":"hi","postback":{"data":"x"}}""");
        both.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await both.Content.ReadAsStringAsync()).Should().Contain("either text or postback");
        (await world.CallAsync(HttpMethod.Post, inject, DeskSecret, """{"postback":{"data":""}}""")).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        (await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{id}/close", DeskSecret)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await world.CallAsync(HttpMethod.Post, inject, DeskSecret, """{"text":"hi"}""")).StatusCode.Should().Be(HttpStatusCode.Conflict);
    }
}
