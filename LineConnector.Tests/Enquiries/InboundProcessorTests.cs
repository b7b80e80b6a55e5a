using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using LineConnector.Core.Channels;
using LineConnector.Core.Chat;
using LineConnector.Core.Destinations;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Line.Api;
using LineConnector.Core.Privacy;
using LineConnector.Core.Queueing;
using LineConnector.Core.Storage;
using LineConnector.Functions.Destinations;
using LineConnector.Tests.Channels;
using LineConnector.Tests.Line.Api;
using LineConnector.Tests.Support;
using LineConnector.Tests.Translation;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using ChannelRule = LineConnector.Core.Channels.RoutingRule;

namespace LineConnector.Tests.Enquiries;

/// <summary>The inbound processor on its own: an in-memory store, a test clock, a recording queue and a destination web server.</summary>
public sealed class InboundProcessorTests : IAsyncLifetime
{
    private const string Channel = "shop";
    private static readonly string User = EnquiryWorld.User(1);
    private readonly TestClock _clock = new(new DateTimeOffset(2026, 11, 23, 1, 0, 0, TimeSpan.Zero));
    private readonly InMemoryTableStore _store = new();
    private readonly RecordingQueueSender _queue = new();
    private readonly ConcurrentDictionary<string, int> _status = new();
    private TestHttpServer _destinations = null!;
    private InboundProcessor _processor = null!;
    private EnquiryStore _enquiries = null!;

    private SensitiveLogging Sensitive() => new(new ChannelCache(new ChannelRepository(_store), _clock), new UserIdHasher(new byte[32]));

    public async Task InitializeAsync()
    {
        _destinations = await TestHttpServer.StartAsync((request, context) =>
        {
            context.Response.StatusCode = _status.GetValueOrDefault(request.PathAndQuery.TrimStart('/'), 200);
            return Task.CompletedTask;
        });
        _enquiries = new EnquiryStore(_store);
        var secrets = new ConfiguredDestinationSecrets(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Channels:shop:Destinations:desk:Secret"] = "desk-secret",
            ["Channels:shop:Destinations:bot:Secret"] = "bot-secret",
        }).Build());
        var sender = new DestinationSender(new DestinationWebhookClient(new HttpClient(), new DestinationWebhookOptions { AllowLoopbackHttp = true }, _clock), _queue, secrets, _clock);
        _processor = new InboundProcessor(new ChannelCache(new ChannelRepository(_store), _clock), _enquiries, new PresenceStore(_store, _clock), new EnquiryEffects(_enquiries, sender, _queue, new LoadingAnimation(new LineApiClient(new HttpClient(), new StaticTokens("unused-token"), new LineApiClientOptions(), _clock)), TranslationStages.Unused(), _clock), Sensitive(), new EnquiryOptions(), _clock);
    }

    public async Task DisposeAsync() => await _destinations.DisposeAsync();

    private async Task CreateChannelAsync(ChannelStatus status = ChannelStatus.Active, ChannelRule? routing = null)
    {
        var settings = ChannelSamples.Settings("desk", "bot") with
        {
            Destinations =
            [
                ChannelSamples.Webhook("desk", DestinationKind.Staff) with { WebhookUrl = new Uri(_destinations.BaseAddress, "desk") },
                ChannelSamples.Webhook("bot", DestinationKind.Bot) with { WebhookUrl = new Uri(_destinations.BaseAddress, "bot") },
            ],
            Routing = routing ?? ChannelSamples.Settings("desk", "bot").Routing,
            AutoMessages = new AutoMessages { Welcome = new(true), Away = new(true), Close = new(true) },
        };
        await new ChannelRepository(_store).CreateAsync(new Channel(Channel, status, settings, null, null), default);
    }

    private Task<InboundOutcome> HandleAsync(string webhookEvent, string? messageId = null, string channel = Channel)
    {
        var id = messageId ?? JsonDocument.Parse(webhookEvent).RootElement.GetProperty("webhookEventId").GetString()!;
        var envelope = $$"""{"channelId":"{{channel}}","destination":"Ubot","receivedAt":"{{_clock.GetUtcNow():O}}","event":{{webhookEvent}}}""";
        return _processor.HandleAsync(new ReceivedMessage(id, $"{channel}:{User}", 1, envelope), default);
    }

    private Task<InboundOutcome> HandleAsync(QueueMessage check) =>
        _processor.HandleAsync(new ReceivedMessage(check.MessageId, check.SessionId, 1, Encoding.UTF8.GetString(check.Body.Span)), default);

    private IReadOnlyList<string> Forwarded(string destination) =>
        _destinations.Requests.Where(r => r.PathAndQuery == "/" + destination).Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("id").GetString()!).ToList();

    private List<QueueMessage> Sent(string queue) => _queue.Sent.Where(s => s.Queue == queue).Select(s => s.Message).ToList();

    private static string Event(string type, string eventId, string userId, string extra = "", string mode = "active") =>
        $$"""{"type":"{{type}}",{{extra}}"webhookEventId":"{{eventId}}","deliveryContext":{"isRedelivery":false},"timestamp":1692251666727,"source":{"type":"user","userId":"{{userId}}"},"mode":"{{mode}}"}""";

    [Theory]
    [InlineData(null, "There is no channel 'shop'. The event opens no enquiry and is not forwarded.")]
    [InlineData(ChannelStatus.Deleted, "Channel 'shop' is deleted. The event opens no enquiry and is not forwarded.")]
    [InlineData(ChannelStatus.Suspended, "Channel 'shop' is suspended. The event opens no enquiry and is not forwarded.")]
    public async Task Events_of_a_channel_that_takes_none_are_recorded_as_ignored(ChannelStatus? status, string detail)
    {
        if (status is { } s)
        {
            await CreateChannelAsync(s);
        }

        var outcome = await HandleAsync(WebhookJson.TextMessage(User, "01A"));

        outcome.Should().Be(new InboundOutcome(new ProcessedCause(Channel, "01A", null, "message", InboundProcessor.Ignored, detail, _clock.GetUtcNow()), false));
        (await _enquiries.FindProcessedAsync(Channel, User, "01A", default)).Should().Be(outcome.Record);
        _queue.Sent.Should().BeEmpty();
        _destinations.Requests.Should().BeEmpty();
    }

    [Theory]
    [InlineData("""{"type":"module","module":{"type":"attached","botId":"U1","scopes":["message:send"]},"webhookEventId":"01M","mode":"active","timestamp":1,"source":{"type":"user","userId":"U0123456789abcdef0123456789abcdef"}}""", "A 'module' event is about the account, not a conversation.")]
    [InlineData("""{"type":"message","message":{"type":"text","id":"1","text":"hi"},"webhookEventId":"01M","mode":"active","timestamp":1}""", "The 'message' event has no user, group or room as its source.")]
    public async Task Events_outside_a_conversation_are_ignored(string webhookEvent, string why)
    {
        await CreateChannelAsync();

        var outcome = await HandleAsync(webhookEvent);

        outcome.Record.Outcome.Should().Be(InboundProcessor.Ignored);
        outcome.Record.Detail.Should().Be(why);
        _destinations.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task An_unfollow_opens_nothing_but_reaches_an_open_enquirys_destination_silently()
    {
        await CreateChannelAsync();

        var alone = await HandleAsync(Event("unfollow", "01U1", User));
        alone.Record.Should().Match<ProcessedCause>(r => r.Outcome == InboundProcessor.Ignored && r.Detail.EndsWith($"Source {User} has no open enquiry.", StringComparison.Ordinal));

        await HandleAsync(WebhookJson.TextMessage(User, "01M1"));
        var sentBefore = Sent(QueueNames.Outbound).Count;
        var followUp = await HandleAsync(Event("unfollow", "01U2", User));

        followUp.Record.Outcome.Should().Be(InboundProcessor.Continued);
        Forwarded("desk").Should().Equal("01M1", "01U2");
        Sent(QueueNames.Outbound).Should().HaveCount(sentBefore);
    }

    [Fact]
    public async Task A_redelivered_message_is_recognised_and_does_nothing()
    {
        await CreateChannelAsync();

        var first = await HandleAsync(WebhookJson.TextMessage(User, "01R"));
        var again = await HandleAsync(WebhookJson.TextMessage(User, "01R"));

        first.Repeated.Should().BeFalse();
        again.Should().Be(first with { Repeated = true });
        Forwarded("desk").Should().ContainSingle();
        _queue.Sent.Should().HaveCount(2, "one welcome and one missed check");
    }

    [Fact]
    public async Task A_body_that_is_neither_an_event_nor_a_check_is_refused()
    {
        var read = () => _processor.HandleAsync(new ReceivedMessage("x", "s", 1, "[1,2]"), default);

        await read.Should().ThrowAsync<JsonException>();
        await FluentActions.Awaiting(() => _processor.HandleAsync(new ReceivedMessage("x", "s", 1, """{"check":"missed"}"""), default)).Should().ThrowAsync<JsonException>().WithMessage("*missing required properties*channelId*");
        var unknown = """{"check":"later","channelId":"shop","enquiryId":"shop.0123456789abcdef01234567","sourceId":"U1","due":"2026-11-23T01:00:00Z"}""";
        await FluentActions.Awaiting(() => _processor.HandleAsync(new ReceivedMessage("x", "s", 1, unknown), default)).Should().ThrowAsync<JsonException>().WithMessage("'later' is no check: missed or auto-close.");
    }

    [Fact]
    public async Task A_missed_check_that_comes_early_is_scheduled_again_and_at_its_time_sends_the_away_message()
    {
        await CreateChannelAsync();
        await HandleAsync(WebhookJson.TextMessage(User, "01C"));
        var check = Sent(QueueNames.Inbound).Should().ContainSingle().Subject;
        var enquiryId = EnquiryIds.For(Channel, User, "01C");
        check.MessageId.Should().Be($"missed-check-{enquiryId}-{(_clock.GetUtcNow() + TimeSpan.FromMinutes(1)).ToUnixTimeMilliseconds()}-0");
        check.ScheduledEnqueueTime.Should().Be(_clock.GetUtcNow() + TimeSpan.FromMinutes(1));

        _clock.Advance(TimeSpan.FromSeconds(59));
        var early = await HandleAsync(check);
        var again = Sent(QueueNames.Inbound).Should().HaveCount(2).And.Subject.Last();
        again.MessageId.Should().EndWith("-1", "a check for the same time needs a new id, or duplicate detection would drop it");
        early.Record.Outcome.Should().Be(InboundProcessor.Checked);
        (await _enquiries.GetAsync(enquiryId, default))!.Enquiry.State.Should().Be(EnquiryState.Open);

        _clock.Advance(TimeSpan.FromSeconds(1));
        await HandleAsync(again);
        (await _enquiries.GetAsync(enquiryId, default))!.Enquiry.State.Should().Be(EnquiryState.Missed);
        JsonDocument.Parse(Sent(QueueNames.Outbound).Last().Body).RootElement.GetProperty("outboundId").GetString().Should().Be($"{enquiryId}:away");
        (await HandleAsync(check)).Repeated.Should().BeTrue();
    }

    [Fact]
    public async Task A_check_for_an_enquiry_that_does_not_exist_is_ignored()
    {
        await CreateChannelAsync();
        var check = new EnquiryCheck { Check = EnquiryCheck.Missed, ChannelId = Channel, EnquiryId = EnquiryIds.For(Channel, User, "none"), SourceId = User, Due = _clock.GetUtcNow() };

        var outcome = await HandleAsync(check.ToQueueMessage());

        outcome.Record.Should().Match<ProcessedCause>(r => r.Outcome == InboundProcessor.Ignored && r.Detail == $"There is no enquiry {check.EnquiryId}.");
    }

    [Fact]
    public async Task A_returning_user_goes_back_to_the_destination_and_staff_member_that_served_them()
    {
        var sticky = new ChannelRule { Kind = RoutingKind.Sticky, Fallback = new ChannelRule { Kind = RoutingKind.Alternative, Targets = [new("bot"), new("desk")] } };
        await CreateChannelAsync(routing: sticky);
        await new PresenceStore(_store, _clock).SetAsync(Channel, new PresenceUpdate("desk", null, [new StaffPresence("aiko", true)]), default);
        await HandleAsync(WebhookJson.TextMessage(User, "01S1"));
        var first = EnquiryIds.For(Channel, User, "01S1");
        Forwarded("bot").Should().Equal("01S1");

        // The bot handed over to the desk, whose staff member answered and closed.
        await _enquiries.UpdateAsync(first, e => e with { Enquiry = e.Enquiry with { DestinationId = "desk", StaffMemberId = "aiko", State = EnquiryState.Closed, LastServedAt = _clock.GetUtcNow(), ClosedAt = _clock.GetUtcNow() } }, default);
        _clock.Advance(TimeSpan.FromHours(2));

        await HandleAsync(WebhookJson.TextMessage(User, "01S2"));

        var second = (await _enquiries.GetAsync(EnquiryIds.For(Channel, User, "01S2"), default))!;
        second.Enquiry.Should().Match<Enquiry>(e => e.DestinationId == "desk" && e.StaffMemberId == "aiko");
        var forwarded = JsonDocument.Parse(_destinations.Requests.Last().Body).RootElement;
        forwarded.GetProperty("enquiry").GetProperty("staffMemberId").GetString().Should().Be("aiko");
        (await _enquiries.GetSourceAsync(Channel, User, default))!.LastService.Should().Be(new Core.Routing.LastService("desk", "aiko", _clock.GetUtcNow() - TimeSpan.FromHours(2)));
    }

    [Fact]
    public async Task An_ongoing_enquirys_unavailable_destination_makes_the_event_wait_for_it()
    {
        await CreateChannelAsync();
        _status["desk"] = 200;
        await HandleAsync(WebhookJson.TextMessage(User, "01O1"));
        var id = EnquiryIds.For(Channel, User, "01O1");
        await _enquiries.UpdateAsync(id, e => e with { Enquiry = e.Enquiry with { State = EnquiryState.Ongoing, AcceptBy = null, AcceptedAt = _clock.GetUtcNow() } }, default);

        _status["desk"] = 503;
        var unavailable = () => HandleAsync(WebhookJson.TextMessage(User, "01O2"));
        (await unavailable.Should().ThrowAsync<DestinationUnavailableException>()).Which.Message.Should().Contain("is ongoing with desk");
        (await _enquiries.FindProcessedAsync(Channel, User, "01O2", default)).Should().BeNull();

        _status["desk"] = 200;
        var redelivered = await HandleAsync(WebhookJson.TextMessage(User, "01O2"));

        redelivered.Record.Outcome.Should().Be(InboundProcessor.Resumed);
        Forwarded("desk").Should().Equal("01O1", "01O2", "01O2");
        Forwarded("bot").Should().BeEmpty("an ongoing enquiry stays with its destination");
        (await _enquiries.GetAsync(id, default))!.Pending.Should().BeNull();
    }

    private Task<InboundOutcome> ProcessAsync(string body, string messageId = "01P", int delivery = 1) =>
        _processor.ProcessAsync(new ReceivedMessage(messageId, $"{Channel}:{User}", delivery, body), default);

    [Fact]
    public async Task A_message_that_is_bad_data_is_recorded_as_rejected_and_the_sources_next_event_goes_through()
    {
        await CreateChannelAsync();

        var garbage = await ProcessAsync("[1,2]", "01P1");
        var noSourceType = await _processor.ProcessAsync(Envelope(WebhookJson.TextMessage(User, "01P2").Replace("\"type\":\"user\"", "\"type\":\"\"", StringComparison.Ordinal), "01P2"), default);
        var next = await HandleAsync(WebhookJson.TextMessage(User, "01P3"));

        garbage.Record.Should().Match<ProcessedCause>(r => r.Outcome == InboundProcessor.Rejected && r.Detail.StartsWith("Rejected on delivery 1: JsonException", StringComparison.Ordinal));
        (await _enquiries.FindProcessedAsync(Channel, User, "01P1", default)).Should().Be(garbage.Record);
        noSourceType.Record.Should().Match<ProcessedCause>(r => r.Outcome == InboundProcessor.Rejected && r.Detail == "Rejected on delivery 1: JsonException: The inbound message's event cannot be used: 'source.type' is empty.");
        next.Record.Outcome.Should().Be(InboundProcessor.Opened);
        Forwarded("desk").Should().Equal("01P3");
        (await _enquiries.GetAsync(EnquiryIds.For(Channel, User, "01P3"), default))!.SourceType.Should().Be("user");
    }

    [Fact]
    public async Task A_transient_failure_is_retried_and_an_unknown_one_is_rejected_only_on_the_last_delivery()
    {
        await CreateChannelAsync();
        _status["desk"] = 200;
        await HandleAsync(WebhookJson.TextMessage(User, "01T1"));
        await _enquiries.UpdateAsync(EnquiryIds.For(Channel, User, "01T1"), e => e with { Enquiry = e.Enquiry with { State = EnquiryState.Ongoing, AcceptBy = null, AcceptedAt = _clock.GetUtcNow() } }, default);
        _status["desk"] = 503;

        var unavailable = () => _processor.ProcessAsync(Envelope(WebhookJson.TextMessage(User, "01T2"), "01T2", delivery: 10), default);
        await unavailable.Should().ThrowAsync<DestinationUnavailableException>("a destination that is down may come back: Service Bus redelivers, and dead-letters in the end");

        var failing = new InboundProcessor(
            new ChannelCache(new ChannelRepository(_store), _clock), _enquiries, new PresenceStore(_store, _clock),
            new EnquiryEffects(_enquiries, new DestinationSender(new DestinationWebhookClient(new HttpClient(), new DestinationWebhookOptions { AllowLoopbackHttp = true }, _clock), _queue, new ConfiguredDestinationSecrets(new ConfigurationBuilder().Build()), _clock), new RecordingQueueSender(new InvalidOperationException("The queue broke (test).")), new LoadingAnimation(new LineApiClient(new HttpClient(), new StaticTokens("unused-token"), new LineApiClientOptions(), _clock)), TranslationStages.Unused(), _clock),
            Sensitive(), new EnquiryOptions { MaxDeliveryCount = 3 }, _clock);
        var early = () => failing.ProcessAsync(Envelope(WebhookJson.TextMessage(EnquiryWorld.User(2), "01T3"), "01T3", delivery: 2, user: EnquiryWorld.User(2)), default);
        await early.Should().ThrowAsync<InvalidOperationException>();

        var last = await failing.ProcessAsync(Envelope(WebhookJson.TextMessage(EnquiryWorld.User(2), "01T3"), "01T3", delivery: 3, user: EnquiryWorld.User(2)), default);
        last.Record.Should().Match<ProcessedCause>(r => r.Outcome == InboundProcessor.Rejected && r.Detail == "Rejected on delivery 3: InvalidOperationException: The queue broke (test).");
    }

    private ReceivedMessage Envelope(string webhookEvent, string messageId, int delivery = 1, string? user = null) =>
        new(messageId, $"{Channel}:{user ?? User}", delivery, $$"""{"channelId":"{{Channel}}","destination":"Ubot","receivedAt":"{{_clock.GetUtcNow():O}}","event":{{webhookEvent}}}""");

    [Fact]
    public async Task A_missed_enquiry_keeps_its_events_and_is_offered_again_on_a_back_off_until_someone_takes_it()
    {
        await CreateChannelAsync();
        var presence = new PresenceStore(_store, _clock);
        await presence.SetAsync(Channel, new PresenceUpdate("desk", false, []), default);
        await presence.SetAsync(Channel, new PresenceUpdate("bot", false, []), default);

        await HandleAsync(WebhookJson.TextMessage(User, "01K1"));
        await HandleAsync(WebhookJson.TextMessage(User, "01K2"));
        var id = EnquiryIds.For(Channel, User, "01K1");
        var offer = Sent(QueueNames.Inbound).Should().ContainSingle().Subject;
        offer.ScheduledEnqueueTime.Should().Be(_clock.GetUtcNow() + TimeSpan.FromMinutes(1));
        (await _enquiries.GetAsync(id, default))!.Enquiry.Should().Match<Enquiry>(e => e.State == EnquiryState.Missed && e.KeptEvents == 2 && e.OfferAt == offer.ScheduledEnqueueTime);

        // Still nobody: the next offer comes twice as late.
        _clock.Advance(TimeSpan.FromMinutes(1));
        (await HandleAsync(offer)).Record.Detail.Should().Contain("Nobody takes it now; it is offered again at");
        var second = Sent(QueueNames.Inbound).Last();
        second.ScheduledEnqueueTime.Should().Be(_clock.GetUtcNow() + TimeSpan.FromMinutes(2));
        _destinations.Requests.Should().BeEmpty();

        await presence.SetAsync(Channel, new PresenceUpdate("bot", true, []), default);
        _clock.Advance(TimeSpan.FromMinutes(2));
        var taken = await HandleAsync(second);

        Forwarded("bot").Should().Equal("01K1", "01K2");
        taken.Record.Detail.Should().Contain("The 2 kept events go to bot.").And.Contain("which accepts the enquiry");
        (await _enquiries.GetAsync(id, default))!.Enquiry.Should().Match<Enquiry>(e => e.State == EnquiryState.Ongoing && e.DestinationId == "bot" && e.KeptEvents == 0 && e.OfferAt == null);
        (await HandleAsync(offer)).Repeated.Should().BeTrue();
        Sent(QueueNames.Inbound).Should().HaveCount(2, "an enquiry that has a destination is not offered again");
    }
}
