using System.Net;
using System.Net.Http.Json;
using LineConnector.Core.Destinations;
using LineConnector.Core.Enquiries;
using static LineConnector.Tests.Enquiries.EnquiryWorld;

namespace LineConnector.Tests.Enquiries;

/// <summary>Local mode end to end: a bot hands enquiries to staff, staff transfer them and hand them back (DESIGN §5, Conversation control).</summary>
public class HandoverEndToEndTests
{
    private const string SecondDeskSecret = "desk2-destination-secret-0b7c44";

    /// <summary>The bot <c>backup</c> first, then the staff <c>desk</c>; a second staff destination <c>desk2</c> that routing never picks.</summary>
    private static Task<EnquiryWorld> StartAsync(IReadOnlyDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            [$"Channels:{Channel}:Routing:alternative-01:Destination"] = "backup",
            [$"Channels:{Channel}:Routing:alternative-02:Destination"] = "desk",
            [$"Channels:{Channel}:Destinations:desk2:Kind"] = "staff",
            [$"Channels:{Channel}:Destinations:desk2:Transport"] = "https-webhook",
            [$"Channels:{Channel}:Destinations:desk2:Secret"] = SecondDeskSecret,
            [$"Channels:{Channel}:HandoverMessageEnabled"] = "true",
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return EnquiryWorld.StartAsync(settings, configure: (world, all) => all[$"Channels:{Channel}:Destinations:desk2:WebhookUrl"] = new Uri(world.Destinations.BaseAddress, "desk2").ToString());
    }

    private static string Reply(string staffId, string firstName, string text) =>
        $$"""{"staff":{"id":"{{staffId}}","firstName":"{{firstName}}"},"messages":[{"type":"text","text":"{{text}}"}]}""";

    private static async Task<MoveResult> MoveAsync(EnquiryWorld world, string id, string move, string secret, string? body = null)
    {
        var response = await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{id}/{move}", secret, body);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync(EnquiryApiJsonContext.Default.MoveResult))!;
    }

    private static IReadOnlyList<DestinationMessage> Kinds(EnquiryWorld world, string path, string kind) =>
        world.Received(path).Select(r => r.Message).Where(m => m.Kind == kind).ToList();

    [Fact]
    public async Task A_bot_hands_over_to_staff_who_get_the_history_reply_as_themselves_and_hand_back()
    {
        await using var world = await StartAsync();
        await world.PostWebhookAsync(Text(User(1), "01HAND0000000000000000001", "Can I talk to a person?"));
        var id = EnquiryIds.For(Channel, User(1), "01HAND0000000000000000001");
        Kinds(world, "backup", "event").Should().ContainSingle("the bot has the enquiry first");

        var handover = await MoveAsync(world, id, "handover", BackupSecret, """{"reason":"asked for a person","note":"Order 1234 is late"}""");
        await world.IdleAsync();

        handover.Outcome.Should().Be("handed-over");
        handover.Enquiry.Should().Match<EnquiryResource>(e => e.DestinationId == "desk" && e.State == "open");
        var received = Kinds(world, "desk", "handover").Should().ContainSingle().Subject;
        received.Move.Should().Match<MoveInfo>(m => m.Kind == "handover" && m.From == "backup" && m.To == "desk" && m.By == "backup" && m.Reason == "asked for a person" && m.Note == "Order 1234 is late");
        received.History!.Select(h => h.Event.GetProperty("message").GetProperty("text").GetString()).Should().Equal("Can I talk to a person?");
        received.History![0].Id.Should().Be("01HAND0000000000000000001");
        Kinds(world, "backup", "handed-over").Should().ContainSingle().Which.Move!.To.Should().Be("desk");
        world.Outbound().Select(o => Texts(o).Single()).Should().Contain(Core.Channels.HandoverSettings.DefaultMessageText);

        // Staff reply as themselves.
        (await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{id}/messages", DeskSecret, Reply("aiko", "Aiko", "Hi, Aiko here."))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        await world.IdleAsync();
        var pushed = world.Line.Requests.Last(r => r.Path.EndsWith("/reply", StringComparison.Ordinal) || r.Path.EndsWith("/push", StringComparison.Ordinal));
        pushed.Json.GetProperty("messages")[0].GetProperty("sender").GetProperty("name").GetString().Should().Be("Aiko");

        // The user's next event goes to staff; the bot hears nothing more.
        await world.PostWebhookAsync(Text(User(1), "01HAND0000000000000000002", "Thanks"));
        Kinds(world, "desk", "event").Should().ContainSingle().Which.Event!.Value.GetProperty("webhookEventId").GetString().Should().Be("01HAND0000000000000000002");
        Kinds(world, "backup", "event").Should().ContainSingle();

        // Staff hand back to the bot that handed over; the bot gets the user's next event again.
        var handback = await MoveAsync(world, id, "handback", DeskSecret, """{"reason":"resolved","staffMemberId":"aiko"}""");
        handback.Outcome.Should().Be("handed-back");
        handback.Enquiry.Should().Match<EnquiryResource>(e => e.DestinationId == "backup" && e.State == "ongoing");
        Kinds(world, "backup", "handback").Should().ContainSingle().Which.Move!.Should().Match<MoveInfo>(m => m.From == "desk" && m.StaffMemberId == "aiko");
        await world.PostWebhookAsync(Text(User(1), "01HAND0000000000000000003", "One more question"));
        Kinds(world, "backup", "event").Should().HaveCount(2).And.Subject.Last().Event!.Value.GetProperty("webhookEventId").GetString().Should().Be("01HAND0000000000000000003");
        Kinds(world, "desk", "event").Should().ContainSingle();

        // Every move is recorded on the enquiry: who, when and why.
        var enquiry = await world.EnquiryAsync(id, BackupSecret);
        enquiry.Moves.Select(m => (m.Number, m.Kind, m.From, m.To, m.By, m.Reason)).Should().Equal(
            (1, MoveKind.Handover, "backup", "desk", "backup", "asked for a person"),
            (2, MoveKind.Handback, "desk", "backup", "desk", "resolved"));
    }

    [Fact]
    public async Task Staff_transfer_to_another_staff_destination_which_gets_the_enquiry_and_its_history()
    {
        await using var world = await StartAsync();
        await world.PostWebhookAsync(Text(User(2), "01HAND0000000000000000004", "Refund please"));
        var id = EnquiryIds.For(Channel, User(2), "01HAND0000000000000000004");
        (await MoveAsync(world, id, "handover", BackupSecret, """{"to":"desk"}""")).Outcome.Should().Be("handed-over");

        // Without "to", the handover rule (the staff destinations in order) chooses, without the desk that transfers.
        var transfer = await MoveAsync(world, id, "transfer", DeskSecret, """{"reason":"refunds team","staffMemberId":"aiko"}""");
        await world.IdleAsync();

        transfer.Outcome.Should().Be("transferred");
        transfer.Enquiry.DestinationId.Should().Be("desk2");
        var received = Kinds(world, "desk2", "handover").Should().ContainSingle().Subject;
        received.Move.Should().Match<MoveInfo>(m => m.Kind == "transfer" && m.From == "desk" && m.To == "desk2" && m.Reason == "refunds team");
        received.History!.Should().ContainSingle();
        (await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{id}/messages", DeskSecret, Reply("aiko", "Aiko", "Still me"))).StatusCode
            .Should().Be(HttpStatusCode.Forbidden, "the enquiry is desk2's now");

        await world.PostWebhookAsync(Text(User(2), "01HAND0000000000000000005", "Hello?"));
        Kinds(world, "desk2", "event").Should().ContainSingle();
        Kinds(world, "desk", "event").Should().BeEmpty();
    }

    [Fact]
    public async Task With_no_staff_available_the_enquiry_stays_with_the_bot_by_default()
    {
        await using var world = await StartAsync();
        await MakeStaffUnavailableAsync(world);
        await world.PostWebhookAsync(Text(User(3), "01HAND0000000000000000006"));
        var id = EnquiryIds.For(Channel, User(3), "01HAND0000000000000000006");

        var handover = await MoveAsync(world, id, "handover", BackupSecret);
        await world.IdleAsync();

        handover.Outcome.Should().Be("stays-with-bot");
        handover.Enquiry.DestinationId.Should().Be("backup");
        handover.Explanation.Should().Contain(e => e.Contains("stays with backup", StringComparison.Ordinal));
        world.Outbound().Select(o => Texts(o).Single()).Should().Contain(Core.Channels.AutoMessages.DefaultAwayText);
        await world.PostWebhookAsync(Text(User(3), "01HAND0000000000000000007"));
        Kinds(world, "backup", "event").Should().HaveCount(2);
    }

    [Fact]
    public async Task With_no_staff_available_and_the_missed_setting_the_enquiry_waits_for_staff()
    {
        await using var world = await StartAsync(new Dictionary<string, string?> { [$"Channels:{Channel}:HandoverWhenNoStaff"] = "missed" });
        await MakeStaffUnavailableAsync(world);
        await world.PostWebhookAsync(Text(User(4), "01HAND0000000000000000008"));
        var id = EnquiryIds.For(Channel, User(4), "01HAND0000000000000000008");

        var handover = await MoveAsync(world, id, "handover", BackupSecret, """{"reason":"complaint"}""");
        await world.IdleAsync();

        handover.Outcome.Should().Be("waiting-for-staff");
        handover.Enquiry.Should().Match<EnquiryResource>(e => e.State == "missed" && e.DestinationId == null);
        Kinds(world, "backup", "handed-over").Should().ContainSingle().Which.Move!.To.Should().BeNull();
        await world.PostWebhookAsync(Text(User(4), "01HAND0000000000000000009", "Anyone?"));
        Kinds(world, "backup", "event").Should().ContainSingle("the bot handed it over");

        // Staff become available: the handover rule offers the enquiry to them, with what the user said meanwhile.
        (await world.CallAsync(HttpMethod.Put, $"/api/manage/channels/{Channel}/destinations/desk2/presence", null, """{"available":true}""")).StatusCode.Should().Be(HttpStatusCode.OK);
        var kept = await world.EventuallyAsync(() => Kinds(world, "desk2", "event").FirstOrDefault(), "the kept event at desk2");
        kept.Event!.Value.GetProperty("webhookEventId").GetString().Should().Be("01HAND0000000000000000009");
        Kinds(world, "backup", "event").Should().ContainSingle();
    }

    [Fact]
    public async Task Wrong_and_other_destinations_bearers_are_refused_and_a_closed_enquiry_cannot_move()
    {
        await using var world = await StartAsync();
        await world.PostWebhookAsync(Text(User(5), "01HAND0000000000000000010"));
        var id = EnquiryIds.For(Channel, User(5), "01HAND0000000000000000010");

        foreach (var move in new[] { "handover", "transfer", "handback" })
        {
            (await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{id}/{move}", null)).StatusCode.Should().Be(HttpStatusCode.Unauthorized, move);
            (await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{id}/{move}", "not-a-secret-of-this-channel")).StatusCode.Should().Be(HttpStatusCode.Unauthorized, move);
            (await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{id}/{move}", DeskSecret)).StatusCode.Should().Be(HttpStatusCode.Forbidden, $"{move}: the enquiry is the bot's");
        }

        var staffOnly = await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{id}/transfer", BackupSecret);
        staffOnly.StatusCode.Should().Be(HttpStatusCode.Conflict, "a bot hands over; staff transfer");
        var toBot = await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{id}/handover", BackupSecret, """{"to":"backup"}""");
        toBot.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await toBot.Content.ReadAsStringAsync()).Should().Contain("staff destination");

        (await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{id}/close", BackupSecret)).StatusCode.Should().Be(HttpStatusCode.OK);
        var closed = await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{id}/handover", BackupSecret);
        closed.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await closed.Content.ReadAsStringAsync()).Should().Contain("is closed");
    }

    private static async Task MakeStaffUnavailableAsync(EnquiryWorld world)
    {
        foreach (var destination in new[] { "desk", "desk2" })
        {
            var presence = await world.CallAsync(HttpMethod.Put, $"/api/manage/channels/{Channel}/destinations/{destination}/presence", null, """{"available":false}""");
            presence.StatusCode.Should().Be(HttpStatusCode.OK, await presence.Content.ReadAsStringAsync());
        }
    }
}
