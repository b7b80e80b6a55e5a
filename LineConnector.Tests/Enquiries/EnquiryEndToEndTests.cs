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
        enquiryId.Should().Be(EnquiryIds.For(Channel, User(1), "01EVENT000000000000000001"));

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

    [Fact]
    public async Task With_every_destination_unavailable_the_user_gets_the_away_message_and_nothing_is_forwarded()
    {
        await using var world = await StartAsync();
        foreach (var destination in new[] { "desk", "backup" })
        {
            var presence = await world.CallAsync(HttpMethod.Put, $"/api/manage/channels/{Channel}/destinations/{destination}/presence", null, """{"available":false}""");
            presence.StatusCode.Should().Be(HttpStatusCode.OK, await presence.Content.ReadAsStringAsync());
        }

        await world.PostWebhookAsync(Text(User(2), "01EVENT000000000000000002"));

        var messages = world.Outbound().Should().ContainSingle().Subject;
        Texts(messages).Should().Equal(Core.Channels.AutoMessages.DefaultWelcomeText, Core.Channels.AutoMessages.DefaultAwayText);
        messages.Reply!.Token.Should().Be("reply-01EVENT000000000000000002", "both messages ride on the one reply token");
        world.Destinations.Requests.Should().BeEmpty();
        var enquiry = await world.EnquiryAsync(EnquiryIds.For(Channel, User(2), "01EVENT000000000000000002"));
        enquiry.State.Should().Be("missed");
        enquiry.DestinationId.Should().BeNull();
    }

    [Fact]
    public async Task When_the_first_destination_answers_503_the_second_gets_the_enquiry()
    {
        await using var world = await StartAsync();
        world.Answer("desk", 503);

        await world.PostWebhookAsync(Text(User(3), "01EVENT000000000000000003"));

        world.Received("desk").Should().ContainSingle();
        var (forwarded, _) = world.Received("backup").Should().ContainSingle().Subject;
        forwarded.Event!.Value.GetProperty("webhookEventId").GetString().Should().Be("01EVENT000000000000000003");
        var enquiry = await world.EnquiryAsync(forwarded.Enquiry.Id, BackupSecret);
        enquiry.Should().Match<EnquiryResource>(e => e.DestinationId == "backup" && e.State == "ongoing", "a bot's 2xx accepts the enquiry");
        Texts(world.Outbound().Should().ContainSingle().Subject).Should().Equal(Core.Channels.AutoMessages.DefaultWelcomeText);
    }

    [Fact]
    public async Task When_every_destination_fails_on_the_attempt_the_enquiry_is_missed_with_the_away_message()
    {
        await using var world = await StartAsync();
        world.Answer("desk", 503);
        world.Answer("backup", 500);

        await world.PostWebhookAsync(Text(User(4), "01EVENT000000000000000004"));

        world.Received("desk").Should().ContainSingle();
        world.Received("backup").Should().ContainSingle();
        // The welcome went before the forwards; the away message follows once both failed.
        world.Outbound().Select(o => (o.OutboundId, Texts(o).Single())).Should().Equal(
            ($"{EnquiryIds.For(Channel, User(4), "01EVENT000000000000000004")}:welcome", Core.Channels.AutoMessages.DefaultWelcomeText),
            ($"{EnquiryIds.For(Channel, User(4), "01EVENT000000000000000004")}:away", Core.Channels.AutoMessages.DefaultAwayText));
        (await world.EnquiryAsync(EnquiryIds.For(Channel, User(4), "01EVENT000000000000000004"))).State.Should().Be("missed");
    }

    [Fact]
    public async Task A_destination_that_refuses_with_a_4xx_is_recorded_and_not_replaced()
    {
        await using var world = await StartAsync();
        world.Answer("desk", 400);

        await world.PostWebhookAsync(Text(User(5), "01EVENT000000000000000005"));

        world.Received("desk").Should().ContainSingle();
        world.Received("backup").Should().BeEmpty();
        var record = (await world.RowsAsync(EnquiryWorld.Events)).Should().ContainSingle().Subject;
        record.Properties["Detail"].Should().BeOfType<string>().Which.Should().Contain("desk refused the message: 400");
        (await world.EnquiryAsync(EnquiryIds.For(Channel, User(5), "01EVENT000000000000000005"))).State.Should().Be("open");
    }

    [Fact]
    public async Task A_redelivered_event_does_nothing_twice()
    {
        await using var world = await StartAsync();
        var webhookEvent = Text(User(6), "01EVENT000000000000000006");

        // LINE redelivers the webhook; then Service Bus redelivers the queue message to the function.
        await world.PostWebhookAsync(webhookEvent);
        await world.PostWebhookAsync(webhookEvent);
        var envelope = $$"""{"channelId":"{{Channel}}","destination":"{{Support.WebhookJson.Destination}}","receivedAt":"{{DateTimeOffset.UtcNow:O}}","event":{{webhookEvent}}}""";
        for (var delivery = 2; delivery <= 3; delivery++)
        {
            var data = JsonSerializer.Serialize(envelope);
            var invocation = $$"""{"Data":{"message":{{data}} },"Metadata":{"MessageId":"01EVENT000000000000000006","SessionId":"{{Channel}}:{{User(6)}}","DeliveryCount":"{{delivery}}"} }""";
            (await world.Client.PostAsync("/LineInbound", new StringContent(invocation, System.Text.Encoding.UTF8, "application/json"))).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        await world.IdleAsync();
        world.Received("desk").Should().ContainSingle();
        world.Outbound().Should().ContainSingle();
        (await world.RowsAsync(EnquiryWorld.Enquiries)).Should().ContainSingle();
        (await world.RowsAsync(EnquiryWorld.Events)).Should().ContainSingle().Which.Properties["Outcome"].Should().Be("opened");
    }

    [Fact]
    public async Task A_delivery_that_fails_halfway_is_resumed_without_repeating_what_was_done()
    {
        await using var world = await StartAsync();
        // The webhook queues the event; the welcome goes out and the event is forwarded; then scheduling the missed check fails once.
        world.Queue.FailOnce(QueueNames.Inbound, passing: 1);

        await world.PostWebhookAsync(Text(User(7), "01EVENT000000000000000007"));

        world.App.Logs.AllText.Should().Contain("Service Bus is unavailable for line-inbound (test)");
        world.Received("desk").Should().ContainSingle("the forward was recorded as done before the failure");
        world.Queue.Sent.Count(s => s.Queue == QueueNames.Outbound).Should().Be(1, "the welcome was recorded as sent before the failure");
        world.Queue.Sent.Should().ContainSingle(s => s.Queue == QueueNames.Inbound && s.Message.ScheduledEnqueueTime != null, "the missed check was scheduled on the redelivery");
        var processed = (await world.RowsAsync(EnquiryWorld.Events)).Should().ContainSingle().Subject;
        processed.Properties["Outcome"].Should().Be("resumed");
        var enquiry = (await world.RowsAsync(EnquiryWorld.Enquiries)).Should().ContainSingle().Subject;
        enquiry.Properties.GetValueOrDefault("PendingCause").Should().BeNull();
    }

    [Fact]
    public async Task Two_users_in_one_webhook_open_two_enquiries()
    {
        await using var world = await StartAsync();

        await world.PostWebhookAsync(Text(User(8), "01EVENT000000000000000008"), Text(User(9), "01EVENT000000000000000009"));

        var forwarded = world.Received("desk").Select(r => r.Message).ToList();
        forwarded.Should().HaveCount(2);
        forwarded.Select(m => m.Enquiry.Id).Should().OnlyHaveUniqueItems()
            .And.BeEquivalentTo([EnquiryIds.For(Channel, User(8), "01EVENT000000000000000008"), EnquiryIds.For(Channel, User(9), "01EVENT000000000000000009")]);
        world.Outbound().Select(o => o.Recipient).Should().BeEquivalentTo([User(8), User(9)]);
        (await world.RowsAsync(EnquiryWorld.Sources)).Select(r => r.RowKey).Should().BeEquivalentTo([User(8), User(9)]);
    }

    [Fact]
    public async Task A_second_message_goes_to_the_same_enquiry_and_a_group_is_one_source()
    {
        await using var world = await StartAsync();

        await world.PostWebhookAsync(Support.WebhookJson.GroupMessage(Group(1), User(10), "01EVENT000000000000000010"));
        await world.PostWebhookAsync(Support.WebhookJson.GroupMessage(Group(1), User(11), "01EVENT000000000000000011"));

        var forwarded = world.Received("desk").Select(r => r.Message).ToList();
        forwarded.Should().HaveCount(2);
        forwarded.Select(m => m.Enquiry.Id).Distinct().Should().ContainSingle().Which.Should().Be(EnquiryIds.For(Channel, Group(1), "01EVENT000000000000000010"));
        world.Outbound().Should().ContainSingle("the welcome goes once, when the enquiry opens").Which.Recipient.Should().Be(Group(1));
    }

    [Fact]
    public async Task An_enquiry_nobody_accepts_in_time_is_missed_and_gets_the_away_message()
    {
        await using var world = await StartAsync(new Dictionary<string, string?> { [$"Channels:{Channel}:MissedEnquiryTimeoutSeconds"] = "1" });

        await world.PostWebhookAsync(Text(User(12), "01EVENT000000000000000012"));
        world.Outbound().Should().ContainSingle("only the welcome goes at first: the desk has a second to accept");

        var away = await world.EventuallyAsync(() => world.Outbound().Skip(1).FirstOrDefault(), "the away message");
        Texts(away).Should().Equal(Core.Channels.AutoMessages.DefaultAwayText);
        away.OutboundId.Should().Be($"{EnquiryIds.For(Channel, User(12), "01EVENT000000000000000012")}:away");
        (await world.EnquiryAsync(EnquiryIds.For(Channel, User(12), "01EVENT000000000000000012"))).State.Should().Be("missed");
        (await world.RowsAsync(EnquiryWorld.Events)).Should().Contain(r => Equals(r.Properties["Outcome"], "checked"));
    }

    [Fact]
    public async Task An_enquiry_accepted_in_time_is_not_missed()
    {
        await using var world = await StartAsync(new Dictionary<string, string?> { [$"Channels:{Channel}:MissedEnquiryTimeoutSeconds"] = "1" });
        await world.PostWebhookAsync(Text(User(13), "01EVENT000000000000000013"));
        var id = EnquiryIds.For(Channel, User(13), "01EVENT000000000000000013");

        (await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{id}/messages", DeskSecret, Reply("kenji", "Kenji", "Hello!"))).StatusCode.Should().Be(HttpStatusCode.Accepted);

        await world.EventuallyAsync(() => world.Queue.Sent.Count(s => s.Queue == QueueNames.Inbound) == 2 && world.App.Logs.AllText.Contains("checked enquiry") ? "checked" : null, "the missed check");
        world.Outbound().Select(o => Texts(o).Single()).Should().Equal(Core.Channels.AutoMessages.DefaultWelcomeText, "Hello!");
        (await world.EnquiryAsync(id)).State.Should().Be("ongoing");
    }

    [Fact]
    public async Task Closing_sends_the_close_message_and_the_next_message_opens_a_new_enquiry()
    {
        await using var world = await StartAsync();
        await world.PostWebhookAsync(Text(User(14), "01EVENT000000000000000014"));
        var id = EnquiryIds.For(Channel, User(14), "01EVENT000000000000000014");
        (await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{id}/messages", DeskSecret, Reply("aiko", "Aiko", "Done!"))).StatusCode.Should().Be(HttpStatusCode.Accepted);

        var close = await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{id}/close", DeskSecret, """{"staffMemberId":"aiko"}""");
        close.StatusCode.Should().Be(HttpStatusCode.OK, await close.Content.ReadAsStringAsync());
        (await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{id}/close", DeskSecret)).StatusCode.Should().Be(HttpStatusCode.OK, "closing again changes nothing");
        await world.IdleAsync();

        var closing = world.Outbound().Should().HaveCount(3).And.Subject.Last();
        closing.OutboundId.Should().Be($"{id}:close");
        Texts(closing).Should().Equal("Thank you. Aiko closed this enquiry.");
        var closed = await world.EnquiryAsync(id);
        closed.Should().Match<EnquiryResource>(e => e.State == "closed" && e.ClosedBy == "staff" && e.ClosedAt != null);

        var reply = await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{id}/messages", DeskSecret, Reply("aiko", "Aiko", "One more thing"));
        reply.StatusCode.Should().Be(HttpStatusCode.Conflict);

        await world.PostWebhookAsync(Text(User(14), "01EVENT000000000000000015", "Another question"));
        var next = world.Received("desk").Select(r => r.Message).Last();
        next.Enquiry.Id.Should().Be(EnquiryIds.For(Channel, User(14), "01EVENT000000000000000015"));
        Texts(world.Outbound().Last()).Should().Equal(Core.Channels.AutoMessages.DefaultWelcomeText);
    }

    [Fact]
    public async Task With_auto_close_on_a_quiet_enquiry_closes_with_the_close_message_and_its_destination_is_told()
    {
        await using var world = await StartAsync(new Dictionary<string, string?> { ["Enquiries:AutoCloseAfter"] = "00:00:01" });
        await world.PostWebhookAsync(Text(User(21), "01EVENT000000000000000022"));
        var id = EnquiryIds.For(Channel, User(21), "01EVENT000000000000000022");

        var notice = await world.EventuallyAsync(() => world.Received("desk").Select(r => r.Message).FirstOrDefault(m => m.Kind == DestinationMessage.ClosedKind), "the closed notice");

        notice.Id.Should().Be($"closed-{id}");
        notice.Enquiry.State.Should().Be("closed");
        var closing = world.Outbound().Should().Contain(o => o.OutboundId == $"{id}:close").Subject;
        Texts(closing).Should().Equal(["Thank you. closed this enquiry."], "with no staff member the placeholder goes with its space");
        (await world.EnquiryAsync(id)).Should().Match<EnquiryResource>(e => e.State == "closed" && e.ClosedBy == "auto-close");
    }

    [Fact]
    public async Task A_suspended_channel_opens_no_enquiry_and_records_its_events_as_ignored()
    {
        await using var world = await StartAsync(new Dictionary<string, string?> { [$"Channels:{Channel}:Status"] = "suspended" });

        await world.PostWebhookAsync(Text(User(16), "01EVENT000000000000000016"));

        world.Destinations.Requests.Should().BeEmpty();
        world.Outbound().Should().BeEmpty();
        (await world.RowsAsync(EnquiryWorld.Enquiries)).Should().BeEmpty();
        var record = (await world.RowsAsync(EnquiryWorld.Events)).Should().ContainSingle().Subject;
        record.Properties["Outcome"].Should().Be("ignored");
        record.Properties["Detail"].Should().Be("Channel 'shop' is suspended. The event opens no enquiry and is not forwarded.");
    }

    [Fact]
    public async Task Standby_events_reach_an_open_enquiry_but_never_open_one_or_make_the_connector_speak()
    {
        await using var world = await StartAsync();

        await world.PostWebhookAsync(Text(User(17), "01EVENT000000000000000017", mode: "standby"));
        world.Destinations.Requests.Should().BeEmpty();
        (await world.RowsAsync(EnquiryWorld.Enquiries)).Should().BeEmpty();

        await world.PostWebhookAsync(Text(User(17), "01EVENT000000000000000018"));
        await world.PostWebhookAsync(Text(User(17), "01EVENT000000000000000019", "seen by another bot", mode: "standby"));

        world.Received("desk").Select(r => r.Message.Event!.Value.GetProperty("webhookEventId").GetString()).Should().Equal("01EVENT000000000000000018", "01EVENT000000000000000019");
        world.Outbound().Should().ContainSingle("only the active message's welcome");
    }

    [Fact]
    public async Task The_enquiry_API_authenticates_the_enquirys_destination_and_names_what_is_wrong()
    {
        await using var world = await StartAsync();
        await world.PostWebhookAsync(Text(User(18), "01EVENT000000000000000020"));
        var id = EnquiryIds.For(Channel, User(18), "01EVENT000000000000000020");

        (await world.CallAsync(HttpMethod.Get, $"/api/enquiries/{id}", null)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await world.CallAsync(HttpMethod.Get, $"/api/enquiries/{id}", "not-a-secret")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await world.CallAsync(HttpMethod.Get, $"/api/enquiries/{id}", BackupSecret)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await world.CallAsync(HttpMethod.Get, $"/api/enquiries/{Channel}.0123456789abcdef01234567", DeskSecret)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await world.CallAsync(HttpMethod.Get, "/api/enquiries/nothing", DeskSecret)).StatusCode.Should().Be(HttpStatusCode.NotFound);

        var invalid = await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{id}/messages", DeskSecret, """{"staff":{"id":"has space"},"messages":[]}""");
        invalid.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = JsonDocument.Parse(await invalid.Content.ReadAsStringAsync()).RootElement;
        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo(["staff.id", "messages"]);
        (await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{id}/messages", DeskSecret, """{"staff":{"id":5}}""")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{id}/messages", DeskSecret)).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        world.Outbound().Should().ContainSingle("nothing but the welcome went out");
        world.App.Logs.AllText.Should().NotContain(DeskSecret).And.NotContain(BackupSecret).And.NotContain("not-a-secret");
    }

    [Fact]
    public async Task A_reply_of_more_than_five_messages_reaches_LINE_in_order_over_several_requests()
    {
        await using var world = await StartAsync();
        await world.PostWebhookAsync(Text(User(20), "01EVENT000000000000000022"));
        var id = EnquiryIds.For(Channel, User(20), "01EVENT000000000000000022");
        await world.IdleAsync();
        var seven = string.Join(",", Enumerable.Range(1, 7).Select(i => $$"""{"type":"text","text":"part {{i}}"}"""));
        var tooMany = string.Join(",", Enumerable.Repeat("""{"type":"text","text":"x"}""", 26));

        var response = await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{id}/messages", DeskSecret, $$"""{"staff":{"id":"aiko"},"messages":[{{seven}}]}""");
        var refused = await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{id}/messages", DeskSecret, $$"""{"staff":{"id":"aiko"},"messages":[{{tooMany}}]}""");
        await world.IdleAsync();

        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        refused.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var parts = world.Line.Requests
            .Where(r => r.Body.Contains("\"part ", StringComparison.Ordinal))
            .Select(r => r.Json.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()).ToList())
            .ToList();
        parts.Should().HaveCount(2);
        parts[0].Should().Equal("part 1", "part 2", "part 3", "part 4", "part 5");
        parts[1].Should().Equal("part 6", "part 7");
    }

    [Fact]
    public async Task A_reply_sent_twice_with_one_idempotency_key_reaches_LINE_once()
    {
        await using var world = await StartAsync();
        await world.PostWebhookAsync(Text(User(19), "01EVENT000000000000000021"));
        var id = EnquiryIds.For(Channel, User(19), "01EVENT000000000000000021");

        var first = await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{id}/messages", DeskSecret, Reply("aiko", "Aiko", "Once"), idempotencyKey: "k-1");
        var second = await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{id}/messages", DeskSecret, Reply("aiko", "Aiko", "Once"), idempotencyKey: "k-1");
        await world.IdleAsync();

        first.StatusCode.Should().Be(HttpStatusCode.Accepted);
        second.StatusCode.Should().Be(HttpStatusCode.Accepted);
        world.Line.Requests.Count(r => r.Body.Contains("\"Once\"", StringComparison.Ordinal)).Should().Be(1);
    }

    [Fact]
    public async Task What_if_explains_the_choice_and_follows_presence()
    {
        await using var world = await StartAsync();

        var before = await WhatIfAsync(world, User(20));
        before.GetProperty("destinationId").GetString().Should().Be("desk");
        before.GetProperty("opensEnquiry").GetBoolean().Should().BeTrue();
        before.GetProperty("autoMessages").EnumerateArray().Select(m => m.GetString()).Should().Equal("welcome");
        before.GetProperty("explanation").EnumerateArray().Select(e => e.GetString()).Should().Contain("desk is chosen: it is present and has no schedule.");

        var marked = await world.CallAsync(HttpMethod.Put, $"/api/manage/channels/{Channel}/destinations/desk/presence", null, """{"available":false,"staff":[{"id":"aiko","available":true}]}""");
        marked.StatusCode.Should().Be(HttpStatusCode.OK);
        JsonDocument.Parse(await marked.Content.ReadAsStringAsync()).RootElement.GetProperty("availableStaff").EnumerateArray().Select(s => s.GetString()).Should().Equal("aiko");

        var after = await WhatIfAsync(world, User(20));
        after.GetProperty("destinationId").GetString().Should().Be("backup");
        after.GetProperty("explanation").EnumerateArray().Select(e => e.GetString()).Should().Contain("desk is skipped: it is marked not present.");
        world.Destinations.Requests.Should().BeEmpty();
        world.Queue.Sent.Should().BeEmpty("a what-if sends nothing");

        (await world.CallAsync(HttpMethod.Get, $"/api/manage/channels/{Channel}/route/what-if?user={User(20)}&at=yesterday", null)).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await world.CallAsync(HttpMethod.Get, $"/api/manage/channels/nope/route/what-if?user={User(20)}", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await world.CallAsync(HttpMethod.Put, $"/api/manage/channels/{Channel}/destinations/nope/presence", null, """{"available":true}""")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var invalid = await world.CallAsync(HttpMethod.Put, $"/api/manage/channels/{Channel}/destinations/desk/presence", null, """{"staff":[{"id":"a b"}]}""");
        invalid.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        JsonDocument.Parse(await invalid.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name)
            .Should().BeEquivalentTo(["staff[0].id", "staff[0].available"]);
    }

    private static async Task<JsonElement> WhatIfAsync(EnquiryWorld world, string user)
    {
        var response = await world.CallAsync(HttpMethod.Get, $"/api/manage/channels/{Channel}/route/what-if?user={user}&at=2026-11-23T10:00:00%2B09:00", null);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }
}
