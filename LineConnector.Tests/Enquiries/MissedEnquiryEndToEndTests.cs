using System.Net;
using System.Net.Http.Json;
using LineConnector.Core.Enquiries;
using static LineConnector.Tests.Enquiries.EnquiryWorld;

namespace LineConnector.Tests.Enquiries;

/// <summary>
/// Missed enquiries lose nothing (issue 11): what the user says while no destination takes the enquiry
/// is kept in order, and the enquiry is offered again until a destination takes it, which then gets every
/// kept event. And a message that fails for good never holds up the user's later ones.
/// </summary>
public class MissedEnquiryEndToEndTests
{
    private static async Task SetPresenceAsync(EnquiryWorld world, string destination, bool available, int offered = 0)
    {
        var response = await world.CallAsync(HttpMethod.Put, $"/api/manage/channels/{Channel}/destinations/{destination}/presence", null, $$"""{"available":{{(available ? "true" : "false")}}}""");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        (await response.Content.ReadFromJsonAsync(EnquiryApiJsonContext.Default.PresenceResource))!.OfferedEnquiries.Should().Be(offered);
    }

    private static async Task<EnquiryListResource> MissedAsync(EnquiryWorld world)
    {
        var response = await world.CallAsync(HttpMethod.Get, $"/api/manage/channels/{Channel}/enquiries?state=missed", null);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync(EnquiryApiJsonContext.Default.EnquiryListResource))!;
    }

    [Fact]
    public async Task A_missed_enquiry_is_delivered_in_order_when_its_destination_comes_back()
    {
        await using var world = await StartAsync();
        await SetPresenceAsync(world, "desk", available: false);
        await SetPresenceAsync(world, "backup", available: false);

        await world.PostWebhookAsync(Text(User(40), "01EVENT000000000000000040", "First"));
        await world.PostWebhookAsync(Text(User(40), "01EVENT000000000000000041", "Second"));

        var id = EnquiryIds.For(Channel, User(40), "01EVENT000000000000000040");
        world.Destinations.Requests.Should().BeEmpty("nobody is there");
        world.Outbound().Select(o => o.OutboundId).Should().Equal($"{id}:welcome+away");
        var missed = (await MissedAsync(world)).Enquiries.Should().ContainSingle().Subject;
        missed.Should().Match<EnquiryResource>(e => e.Id == id && e.DestinationId == null && e.KeptEvents == 2 && e.OfferAt != null);
        (await world.RowsAsync(Kept)).Should().HaveCount(2);

        await SetPresenceAsync(world, "desk", available: true, offered: 1);
        await world.IdleAsync();

        world.Received("desk").Select(r => r.Message.Event!.Value.GetProperty("webhookEventId").GetString())
            .Should().Equal("01EVENT000000000000000040", "01EVENT000000000000000041");
        world.Received("desk").Should().OnlyContain(r => r.Message.Enquiry.Id == id && r.Message.Id == r.Message.Event!.Value.GetProperty("webhookEventId").GetString());
        (await world.EnquiryAsync(id)).Should().Match<EnquiryResource>(e => e.DestinationId == "desk" && e.KeptEvents == 0 && e.OfferAt == null);
        (await world.RowsAsync(Kept)).Should().BeEmpty("the desk has them");

        await world.PostWebhookAsync(Text(User(40), "01EVENT000000000000000042", "Third"));
        world.Received("desk").Select(r => r.Message.Id).Should().Equal("01EVENT000000000000000040", "01EVENT000000000000000041", "01EVENT000000000000000042");
        world.Outbound().Should().ContainSingle("the away message went once");
    }

    [Fact]
    public async Task A_first_message_no_destination_took_is_offered_again_after_the_back_off()
    {
        await using var world = await StartAsync(new Dictionary<string, string?> { ["Enquiries:OfferAgainAfter"] = "00:00:01" });
        world.Answer("desk", 503, 200);
        world.Answer("backup", 503);

        await world.PostWebhookAsync(Text(User(41), "01EVENT000000000000000043"));
        var id = EnquiryIds.For(Channel, User(41), "01EVENT000000000000000043");
        (await world.EnquiryAsync(id)).Should().Match<EnquiryResource>(e => e.State == "missed" && e.DestinationId == null && e.KeptEvents == 1);

        await world.EventuallyAsync(() => world.Received("desk").Count == 2 ? "offered" : null, "the offer after the back-off");

        world.Received("desk").Select(r => r.Message.Id).Should().Equal("01EVENT000000000000000043", "01EVENT000000000000000043");
        (await world.EnquiryAsync(id)).Should().Match<EnquiryResource>(e => e.DestinationId == "desk" && e.KeptEvents == 0);
        (await world.RowsAsync(Events)).Should().Contain(r => r.RowKey.StartsWith("missed-check-" + id, StringComparison.Ordinal) && Equals(r.Properties["Outcome"], "checked"));
    }

    [Fact]
    public async Task An_event_with_an_empty_source_type_never_holds_up_the_users_next_event()
    {
        await using var world = await StartAsync();
        var poisoned = Text(User(42), "01EVENT000000000000000044").Replace("\"source\":{\"type\":\"user\"", "\"source\":{\"type\":\"\"", StringComparison.Ordinal);

        await world.PostWebhookAsync(poisoned);
        await world.PostWebhookAsync(Text(User(42), "01EVENT000000000000000045"));

        world.Received("desk").Select(r => r.Message.Id).Should().Equal("01EVENT000000000000000045");
        (await world.EnquiryAsync(EnquiryIds.For(Channel, User(42), "01EVENT000000000000000045"))).SourceType.Should().Be("user");
    }
}
