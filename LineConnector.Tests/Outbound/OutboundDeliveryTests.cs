using System.Text;
using LineConnector.Core;
using LineConnector.Core.Channels;
using LineConnector.Core.Line.Api;
using LineConnector.Core.Outbound;
using LineConnector.Core.Queueing;
using LineConnector.Core.Storage;
using LineConnector.Tests.Line.Api;
using LineConnector.Tests.Storage;
using LineConnector.Tests.Support;
using RecordedRequest = LineConnector.Tests.Line.Api.RecordedRequest;

namespace LineConnector.Tests.Outbound;

public sealed class OutboundDeliveryTests : IAsyncLifetime
{
    private const string Token = "channel-token-c0ffee";
    private const string Channel = "demo";
    private const string User = "U4af4980629a0b6ee5b5e0e9d1e7a1b8c";
    private const string ReplyToken = "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA";
    private const string ReplyPath = "/v2/bot/message/reply";
    private const string PushPath = "/v2/bot/message/push";

    private readonly TestClock _clock = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly FakePolicy _policy = new();
    private readonly RecordingReporter _reporter = new();
    private readonly OutboundDeliveryOptions _options = new();
    private TimeSpan _lineTimeout = TimeSpan.FromSeconds(5);
    private FakeLineServer _line = null!;
    private HttpClient _http = null!;
    private FlakyRecords _records = null!;
    private IChannelCredentials _tokens = new StaticTokens(Token);

    public async Task InitializeAsync()
    {
        _line = await FakeLineServer.StartAsync();
        _http = new HttpClient();
        _records = new FlakyRecords(new TableOutboundRecords(new InMemoryTableStore(), _clock));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _line.DisposeAsync();
    }

    [Fact]
    public async Task A_fresh_reply_token_is_used()
    {
        var result = await DeliverAsync(Request("out-1", 2, replyAge: TimeSpan.FromSeconds(10)));

        result.Status.Should().Be(OutboundStatus.Delivered);
        result.SentMessageIds.Should().HaveCount(2);
        result.Requests.Should().ContainSingle().Which.Method.Should().Be(DeliveryMethod.Reply);
        var reply = _line.RequestsTo(ReplyPath).Should().ContainSingle().Subject;
        reply.Json.GetProperty("replyToken").GetString().Should().Be(ReplyToken);
        Texts(reply).Should().Equal("m0", "m1");
        _line.RequestsTo(PushPath).Should().BeEmpty();
        _reporter.Reports.Should().ContainSingle().Which.Should().BeSameAs(result);
        (await _records.FindAsync("out-1", default))!.Result.Should().Be(result);
    }

    [Theory]
    [InlineData(50)]
    [InlineData(51)]
    [InlineData(600)]
    public async Task A_stale_reply_token_is_not_used_and_the_messages_are_pushed(int ageSeconds)
    {
        var result = await DeliverAsync(Request("out-1", 1, replyAge: TimeSpan.FromSeconds(ageSeconds)));

        result.Status.Should().Be(OutboundStatus.Delivered);
        _line.RequestsTo(ReplyPath).Should().BeEmpty();
        var push = _line.RequestsTo(PushPath).Should().ContainSingle().Subject;
        push.Json.GetProperty("to").GetString().Should().Be(User);
        push.Header(LineApiClient.RetryKeyHeader).Should().Be(RetryKey.For("out-1", 0).ToString());
        result.Requests.Single().Method.Should().Be(DeliveryMethod.Push);
    }

    [Fact]
    public async Task The_reply_token_age_limit_is_configurable()
    {
        _options.ReplyTokenMaxAge = TimeSpan.FromSeconds(5);

        await DeliverAsync(Request("out-1", 1, replyAge: TimeSpan.FromSeconds(6)));
        await DeliverAsync(Request("out-2", 1, replyAge: TimeSpan.FromSeconds(4), replyToken: "another-token"));

        _line.RequestsTo(PushPath).Should().ContainSingle();
        _line.RequestsTo(ReplyPath).Should().ContainSingle().Which.Json.GetProperty("replyToken").GetString().Should().Be("another-token");
    }

    [Theory]
    [InlineData("00000000000000000000000000000000")]
    [InlineData("ffffffffffffffffffffffffffffffff")]
    public async Task Lines_verify_dummy_tokens_are_never_replied_to(string dummy)
    {
        await DeliverAsync(Request("out-1", 1, replyAge: TimeSpan.FromSeconds(1), replyToken: dummy));

        _line.RequestsTo(ReplyPath).Should().BeEmpty();
        _line.RequestsTo(PushPath).Should().ContainSingle();
    }

    [Fact]
    public async Task An_invalid_reply_token_falls_back_to_push()
    {
        _line.Script("POST", ReplyPath, FakeReply.Error(400, "Invalid reply token"));

        var result = await DeliverAsync(Request("out-1", 2, replyAge: TimeSpan.FromSeconds(5)));

        result.Status.Should().Be(OutboundStatus.Delivered);
        result.SentMessageIds.Should().HaveCount(2);
        result.Requests.Single().Method.Should().Be(DeliveryMethod.Push);
        _line.RequestsTo(ReplyPath).Should().ContainSingle();
        Texts(_line.RequestsTo(PushPath).Should().ContainSingle().Subject).Should().Equal("m0", "m1");
    }

    [Fact]
    public async Task A_reply_that_timed_out_then_finds_its_token_used_is_uncertain_and_never_pushed()
    {
        _lineTimeout = TimeSpan.FromMilliseconds(300);
        _line.Script("POST", ReplyPath, Ok("late") with { Delay = TimeSpan.FromSeconds(30) }, FakeReply.Error(400, "Invalid reply token", "req-400"));

        var result = await DeliverAsync(Request("out-1", 7, replyAge: TimeSpan.FromSeconds(5)));

        result.Status.Should().Be(OutboundStatus.Uncertain);
        result.Failure!.Kind.Should().Be(OutboundFailureKind.Uncertain);
        result.Failure.Reason.Should().Contain("not pushed").And.Contain("1 request(s) after it were not sent");
        result.Failure.LineRequestId.Should().Be("req-400");
        result.SentMessageIds.Should().BeEmpty();
        _line.RequestsTo(ReplyPath).Should().HaveCount(2, "the reply is tried again while its token is fresh");
        _line.RequestsTo(PushPath).Should().BeEmpty("the first attempt may have reached the user");
        _reporter.Reports.Should().ContainSingle().Which.Status.Should().Be(OutboundStatus.Uncertain);
        (await _records.FindAsync("out-1", default))!.Result!.Status.Should().Be(OutboundStatus.Uncertain);
    }

    [Fact]
    public async Task A_reply_whose_outcome_is_unknown_is_tried_again_on_redelivery_while_the_token_is_fresh()
    {
        _line.Script("POST", ReplyPath, FakeReply.Error(500, "Internal Server Error"), FakeReply.Error(500, "Internal Server Error"), FakeReply.Error(500, "Internal Server Error"), Ok("r1"));
        var request = Request("out-1", 1, replyAge: TimeSpan.FromSeconds(5));

        var first = () => DeliverAsync(request, deliveryCount: 1);
        (await first.Should().ThrowAsync<LineApiException>()).Which.MayHaveTakenEffect.Should().BeTrue();
        var second = await DeliverAsync(request, deliveryCount: 2);

        second.Status.Should().Be(OutboundStatus.Delivered);
        second.Requests.Single().Method.Should().Be(DeliveryMethod.Reply);
        second.SentMessageIds.Should().Equal("r1");
        _line.RequestsTo(ReplyPath).Should().HaveCount(4);
        _line.RequestsTo(PushPath).Should().BeEmpty();
    }

    [Fact]
    public async Task A_reply_whose_outcome_is_unknown_is_uncertain_once_its_token_is_too_old_to_try_again()
    {
        _line.Script("POST", ReplyPath, FakeReply.Error(503, "Service Unavailable"));
        var request = Request("out-1", 1, replyAge: TimeSpan.FromSeconds(5));

        var first = () => DeliverAsync(request, deliveryCount: 1);
        await first.Should().ThrowAsync<LineApiException>();
        _clock.Advance(TimeSpan.FromMinutes(1));
        var second = await DeliverAsync(request, deliveryCount: 2);

        second.Status.Should().Be(OutboundStatus.Uncertain);
        second.Failure!.Reason.Should().Contain("too old");
        _line.RequestsTo(ReplyPath).Should().HaveCount(3, "only the first delivery's attempts");
        _line.RequestsTo(PushPath).Should().BeEmpty();
    }

    [Fact]
    public async Task A_reply_that_certainly_never_reached_LINE_gives_its_token_back_and_is_pushed_later()
    {
        _line.Script("POST", ReplyPath, FakeReply.Error(429, "Too Many Requests"));
        var request = Request("out-1", 1, replyAge: TimeSpan.FromSeconds(5));

        var first = () => DeliverAsync(request, deliveryCount: 1);
        (await first.Should().ThrowAsync<LineApiException>()).Which.MayHaveTakenEffect.Should().BeFalse("LINE refused every attempt with 429");
        _clock.Advance(TimeSpan.FromMinutes(1));
        var second = await DeliverAsync(request, deliveryCount: 2);

        second.Status.Should().Be(OutboundStatus.Delivered);
        second.Requests.Single().Method.Should().Be(DeliveryMethod.Push);
        _line.RequestsTo(PushPath).Should().ContainSingle().Which.Header(LineApiClient.RetryKeyHeader).Should().Be(RetryKey.For("out-1", 0).ToString());
    }

    [Fact]
    public async Task A_reply_with_an_unknown_outcome_on_the_last_delivery_is_uncertain()
    {
        _line.Script("POST", ReplyPath, FakeReply.Error(500, "Internal Server Error"));

        var result = await DeliverAsync(Request("out-1", 1, replyAge: TimeSpan.FromSeconds(5)), deliveryCount: _options.MaxDeliveryCount);

        result.Status.Should().Be(OutboundStatus.Uncertain);
        result.Failure!.LineStatus.Should().Be(500);
        _line.RequestsTo(PushPath).Should().BeEmpty();
    }

    [Fact]
    public async Task Messages_the_policy_refuses_give_the_reply_token_back_for_the_next_message()
    {
        _policy.Refusals.Add("flex messages are refused");
        await DeliverAsync(Request("refused", 1, replyAge: TimeSpan.FromSeconds(2)));
        _policy.Refusals.Clear();

        var next = await DeliverAsync(Request("next", 1, replyAge: TimeSpan.FromSeconds(3)));

        next.Requests.Single().Method.Should().Be(DeliveryMethod.Reply);
        _line.RequestsTo(ReplyPath).Should().ContainSingle();
    }

    [Fact]
    public async Task A_redelivery_on_another_instance_knows_the_reply_was_tried_and_never_pushes_it()
    {
        var store = AzuriteTableStoreTests.CreateStore();
        _lineTimeout = TimeSpan.FromMilliseconds(300);
        _line.Script("POST", ReplyPath, Ok("late") with { Delay = TimeSpan.FromSeconds(30) });
        var request = Request("out-" + Guid.NewGuid().ToString("N"), 1, replyAge: TimeSpan.FromSeconds(5));
        var firstInstance = CreateDelivery(new TableOutboundRecords(store, _clock));

        var first = () => DeliverAsync(firstInstance, request, 1);
        await first.Should().ThrowAsync<LineApiException>();
        _clock.Advance(TimeSpan.FromMinutes(1));
        var second = await DeliverAsync(CreateDelivery(new TableOutboundRecords(store, _clock)), request, 2);
        var third = await DeliverAsync(CreateDelivery(new TableOutboundRecords(store, _clock)), request, 3);

        second.Status.Should().Be(OutboundStatus.Uncertain);
        third.Should().Be(second, "the recorded result stands");
        _line.RequestsTo(PushPath).Should().BeEmpty();
        _reporter.Reports.Should().ContainSingle();
    }

    [Fact]
    public async Task A_push_keeps_its_retry_key_on_another_instance()
    {
        var store = AzuriteTableStoreTests.CreateStore();
        _line.Script("POST", PushPath, FakeReply.Error(500, "Internal Server Error"), FakeReply.Error(500, "Internal Server Error"), FakeReply.Error(500, "Internal Server Error"), Ok("p1"));
        var request = Request("out-" + Guid.NewGuid().ToString("N"), 1);

        var first = () => DeliverAsync(CreateDelivery(new TableOutboundRecords(store, _clock)), request, 1);
        await first.Should().ThrowAsync<LineApiException>();
        var second = await DeliverAsync(CreateDelivery(new TableOutboundRecords(store, _clock)), request, 2);

        second.Status.Should().Be(OutboundStatus.Delivered);
        _line.RequestsTo(PushPath).Select(p => p.Header(LineApiClient.RetryKeyHeader)).Should().HaveCount(4).And.AllBe(RetryKey.For(request.OutboundId, 0).ToString());
    }

    [Fact]
    public async Task A_reply_token_is_used_once_then_later_messages_push()
    {
        await DeliverAsync(Request("welcome", 1, replyAge: TimeSpan.FromSeconds(2)));
        await DeliverAsync(Request("answer", 1, replyAge: TimeSpan.FromSeconds(3)));

        _line.RequestsTo(ReplyPath).Should().ContainSingle();
        _line.RequestsTo(PushPath).Should().ContainSingle().Which.Header(LineApiClient.RetryKeyHeader).Should().Be(RetryKey.For("answer", 0).ToString());
    }

    [Fact]
    public async Task Seven_messages_go_in_two_requests_in_order()
    {
        var result = await DeliverAsync(Request("out-7", 7, replyAge: TimeSpan.FromSeconds(1)));

        var requests = _line.Requests;
        requests.Select(r => r.Path).Should().Equal(ReplyPath, PushPath);
        Texts(requests[0]).Should().Equal("m0", "m1", "m2", "m3", "m4");
        Texts(requests[1]).Should().Equal("m5", "m6");
        requests[1].Header(LineApiClient.RetryKeyHeader).Should().Be(RetryKey.For("out-7", 1).ToString());
        result.SentMessageIds.Should().HaveCount(7).And.Equal(result.Requests.SelectMany(r => r.MessageIds));
        result.Requests.Select(r => r.Index).Should().Equal(0, 1);
    }

    [Fact]
    public async Task Pushed_requests_each_have_their_own_retry_key()
    {
        await DeliverAsync(Request("out-12", 12));

        var keys = _line.RequestsTo(PushPath).Select(r => r.Header(LineApiClient.RetryKeyHeader)).ToList();
        keys.Should().Equal(RetryKey.For("out-12", 0).ToString(), RetryKey.For("out-12", 1).ToString(), RetryKey.For("out-12", 2).ToString());
        keys.Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task A_redelivery_after_partial_success_sends_only_the_rest_with_the_same_retry_key()
    {
        _line.Script("POST", PushPath, Ok("a", "b", "c", "d", "e"), FakeReply.Error(500, "Internal Server Error"));
        var request = Request("out-7", 7);

        var first = () => DeliverAsync(request, deliveryCount: 1);
        (await first.Should().ThrowAsync<LineApiException>()).Which.IsTransient.Should().BeTrue();
        _reporter.Reports.Should().BeEmpty("a transient failure is left to the queue's redelivery");
        (await _records.FindAsync("out-7", default))!.Result.Should().BeNull();

        _line.Script("POST", PushPath, Ok("f", "g"));
        var result = await DeliverAsync(request, deliveryCount: 2);

        var pushes = _line.RequestsTo(PushPath);
        pushes.Count(p => Texts(p)[0] == "m0").Should().Be(1, "the first request was recorded as sent and is not sent again");
        var retries = pushes.Where(p => Texts(p)[0] == "m5").Select(p => p.Header(LineApiClient.RetryKeyHeader)).ToList();
        retries.Should().HaveCount(4, "3 attempts in the first delivery, 1 in the second").And.AllBe(RetryKey.For("out-7", 1).ToString());
        result.Status.Should().Be(OutboundStatus.Delivered);
        result.SentMessageIds.Should().Equal("a", "b", "c", "d", "e", "f", "g");
        _reporter.Reports.Should().ContainSingle();
    }

    [Fact]
    public async Task A_push_accepted_but_not_recorded_is_a_duplicate_on_redelivery_and_counts_as_sent()
    {
        _records.AddSentFailuresToThrow = 1;
        var request = Request("out-1", 1);

        var first = () => DeliverAsync(request, deliveryCount: 1);
        await first.Should().ThrowAsync<TimeoutException>();
        _line.Script("POST", PushPath, new FakeReply(409, """{"message":"The retry key is already accepted","sentMessages":[{"id":"461230966842064897"}]}""")
        {
            Headers = new Dictionary<string, string> { ["x-line-accepted-request-id"] = "accepted-1" },
        });
        var result = await DeliverAsync(request, deliveryCount: 2);

        var keys = _line.RequestsTo(PushPath).Select(p => p.Header(LineApiClient.RetryKeyHeader)).ToList();
        keys.Should().HaveCount(2).And.AllBe(RetryKey.For("out-1", 0).ToString());
        result.Status.Should().Be(OutboundStatus.Delivered);
        result.SentMessageIds.Should().Equal("461230966842064897");
        result.Requests.Single().RequestId.Should().Be("accepted-1");
    }

    [Fact]
    public async Task A_policy_refusal_is_recorded_reported_and_completes_without_calling_line()
    {
        _policy.Refusals.Add("text is 5,200 UTF-16 code units; at most 4,999 are allowed");

        var result = await DeliverAsync(Request("out-1", 2, replyAge: TimeSpan.FromSeconds(1)));

        result.Status.Should().Be(OutboundStatus.Failed);
        result.Failure!.Kind.Should().Be(OutboundFailureKind.Refused);
        result.Failure.Details.Should().Equal("messages[0] (text): text is 5,200 UTF-16 code units; at most 4,999 are allowed");
        _reporter.Reports.Should().ContainSingle().Which.Failure!.Kind.Should().Be(OutboundFailureKind.Refused);
        var record = await _records.FindAsync("out-1", default);
        record!.Result.Should().Be(result);
        record.Reported.Should().BeTrue();
        _line.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task A_server_error_throws_so_the_queue_redelivers()
    {
        _line.Script("POST", PushPath, FakeReply.Error(500, "Internal Server Error"));

        var deliver = () => DeliverAsync(Request("out-1", 1));

        var error = (await deliver.Should().ThrowAsync<LineApiException>()).Which;
        error.Kind.Should().Be(LineErrorKind.ServerError);
        _line.RequestsTo(PushPath).Should().HaveCount(3, "the client retried twice before giving the failure to the queue");
        _reporter.Reports.Should().BeEmpty();
        (await _records.FindAsync("out-1", default)).Should().BeNull();
    }

    [Fact]
    public async Task The_monthly_limit_is_recorded_and_not_retried()
    {
        _line.Script("POST", PushPath, FakeReply.Error(429, "You have reached your monthly limit.", "req-429"));

        var result = await DeliverAsync(Request("out-1", 1));

        result.Status.Should().Be(OutboundStatus.Failed);
        result.Failure!.Kind.Should().Be(OutboundFailureKind.MonthlyLimit);
        result.Failure.LineStatus.Should().Be(429);
        result.Failure.LineRequestId.Should().Be("req-429");
        _line.RequestsTo(PushPath).Should().ContainSingle();
        _reporter.Reports.Should().ContainSingle();
        (await _records.FindAsync("out-1", default))!.Result!.Failure!.Kind.Should().Be(OutboundFailureKind.MonthlyLimit);
    }

    [Fact]
    public async Task A_request_line_refuses_fails_with_lines_details_and_keeps_what_was_sent()
    {
        _line.Script("POST", PushPath, Ok("a", "b", "c", "d", "e"), new FakeReply(400, """{"message":"The request body has 1 error(s)","details":[{"message":"May not be empty","property":"messages[0].text"}]}"""));

        var result = await DeliverAsync(Request("out-7", 7));

        result.Status.Should().Be(OutboundStatus.Failed);
        result.Failure!.Kind.Should().Be(OutboundFailureKind.RejectedByLine);
        result.Failure.Reason.Should().Contain("HTTP 400").And.Contain("request 2 of 2");
        result.Failure.Details.Should().Equal("The request body has 1 error(s)", "messages[0].text: May not be empty");
        result.SentMessageIds.Should().Equal("a", "b", "c", "d", "e");
        _line.RequestsTo(PushPath).Should().HaveCount(2);
    }

    [Fact]
    public async Task A_transient_failure_on_the_last_delivery_is_recorded_and_reported()
    {
        _line.Script("POST", PushPath, FakeReply.Error(503, "Service Unavailable"));

        var result = await DeliverAsync(Request("out-1", 1), deliveryCount: _options.MaxDeliveryCount);

        result.Status.Should().Be(OutboundStatus.Failed);
        result.Failure!.Kind.Should().Be(OutboundFailureKind.GaveUp);
        result.Failure.LineStatus.Should().Be(503);
        _reporter.Reports.Should().ContainSingle();
    }

    [Fact]
    public async Task A_malformed_queue_message_is_recorded_and_reported_under_its_message_id()
    {
        var message = new ReceivedMessage("broken-1", "demo:U1", 1, """{"outboundId":"broken-1","channelId":"demo","recipient":"not-a-line-id","messages":[],"reportTo":"bot-a"}""");

        var result = await CreateDelivery().DeliverAsync(message, default);

        result.OutboundId.Should().Be("broken-1");
        result.ReportTo.Should().Be("bot-a");
        result.Failure!.Kind.Should().Be(OutboundFailureKind.Malformed);
        result.Failure.Details.Should().HaveCount(2)
            .And.Contain(d => d.StartsWith("recipient", StringComparison.Ordinal))
            .And.Contain(d => d.StartsWith("messages", StringComparison.Ordinal));
        _reporter.Reports.Should().ContainSingle();
        _line.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_recorded_under_its_message_id()
    {
        var result = await CreateDelivery().DeliverAsync(new ReceivedMessage("broken-2", "s", 1, "not json"), default);

        result.OutboundId.Should().Be("broken-2");
        result.ChannelId.Should().BeNull();
        result.Failure!.Kind.Should().Be(OutboundFailureKind.Malformed);
        (await _records.FindAsync("broken-2", default))!.Result.Should().Be(result);
    }

    [Fact]
    public async Task A_finished_message_redelivered_is_neither_sent_nor_reported_again()
    {
        var request = Request("out-1", 1);
        var first = await DeliverAsync(request, deliveryCount: 1);

        var second = await DeliverAsync(request, deliveryCount: 2);

        second.Should().Be(first);
        _line.Requests.Should().ContainSingle();
        _reporter.Reports.Should().ContainSingle();
    }

    [Fact]
    public async Task A_report_that_failed_is_made_on_redelivery_without_sending_again()
    {
        _reporter.FailuresToThrow = 1;
        var request = Request("out-1", 1);

        var first = () => DeliverAsync(request, deliveryCount: 1);
        await first.Should().ThrowAsync<HttpRequestException>();
        var second = await DeliverAsync(request, deliveryCount: 2);

        second.Status.Should().Be(OutboundStatus.Delivered);
        _line.Requests.Should().ContainSingle();
        _reporter.Reports.Should().ContainSingle();
        (await _records.FindAsync("out-1", default))!.Reported.Should().BeTrue();
    }

    [Fact]
    public async Task A_channel_without_a_token_fails_for_good()
    {
        _tokens = new MissingTokens();

        var result = await DeliverAsync(Request("out-1", 1));

        result.Failure!.Kind.Should().Be(OutboundFailureKind.NoChannel);
        result.Failure.Reason.Should().Contain("demo");
        _line.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task An_unreachable_token_store_throws_so_the_queue_redelivers()
    {
        _tokens = new UnreachableTokens();

        var deliver = () => DeliverAsync(Request("out-1", 1));

        await deliver.Should().ThrowAsync<SecretStoreException>();
        _reporter.Reports.Should().BeEmpty();
    }

    [Fact]
    public async Task The_sender_is_set_on_every_message_without_one_before_the_policy_sees_them()
    {
        var request = new OutboundRequestBuilder("out-1", Channel, User)
            .From("Aiko (support)", "https://example.com/aiko.png")
            .AddText("hello")
            .AddMessage(System.Text.Json.JsonDocument.Parse("""{"type":"text","text":"bot","sender":{"name":"Bot"}}""").RootElement)
            .Build();

        await DeliverAsync(request);

        var sent = _line.RequestsTo(PushPath).Single().Json.GetProperty("messages");
        sent[0].GetProperty("sender").GetProperty("name").GetString().Should().Be("Aiko (support)");
        sent[0].GetProperty("sender").GetProperty("iconUrl").GetString().Should().Be("https://example.com/aiko.png");
        sent[1].GetProperty("sender").GetProperty("name").GetString().Should().Be("Bot");
        _policy.Checked.Single()[0].GetProperty("sender").GetProperty("name").GetString().Should().Be("Aiko (support)");
    }

    [Fact]
    public async Task The_token_is_in_no_record_and_no_report()
    {
        _line.Script("POST", PushPath, new FakeReply(401, """{"message":"Authentication failed. Confirm that the access token in the authorization header is valid."}"""));

        var result = await DeliverAsync(Request("out-1", 1));

        result.Failure!.Kind.Should().Be(OutboundFailureKind.RejectedByLine);
        System.Text.Json.JsonSerializer.Serialize(result).Should().NotContain(Token);
        System.Text.Json.JsonSerializer.Serialize(_reporter.Reports).Should().NotContain(Token);
    }

    private OutboundDelivery CreateDelivery() => CreateDelivery(_records);

    private OutboundDelivery CreateDelivery(IOutboundRecords records)
    {
        var client = new LineApiClient(_http, _tokens, new LineApiClientOptions
        {
            ApiBaseUrl = _line.BaseUrl,
            DataApiBaseUrl = _line.BaseUrl,
            MaxRetries = 2,
            RetryDelay = TimeSpan.FromMilliseconds(5),
            Timeout = _lineTimeout,
        }, TimeProvider.System);
        return new OutboundDelivery(client, _policy, records, _reporter, _options, _clock);
    }

    private Task<OutboundResult> DeliverAsync(OutboundRequest request, int deliveryCount = 1) => DeliverAsync(CreateDelivery(), request, deliveryCount);

    private static Task<OutboundResult> DeliverAsync(OutboundDelivery delivery, OutboundRequest request, int deliveryCount)
    {
        var message = request.ToQueueMessage();
        return delivery.DeliverAsync(new ReceivedMessage(message.MessageId, message.SessionId, deliveryCount, Encoding.UTF8.GetString(message.Body.Span)), default);
    }

    private OutboundRequest Request(string id, int messages, TimeSpan? replyAge = null, string replyToken = ReplyToken)
    {
        var builder = new OutboundRequestBuilder(id, Channel, User).ForEnquiry("enq-1").ReportTo("bot-a");
        for (var i = 0; i < messages; i++)
        {
            builder.AddText($"m{i}");
        }

        if (replyAge is { } age)
        {
            builder.ReplyWith(replyToken, _clock.GetUtcNow() - age);
        }

        return builder.Build();
    }

    private static FakeReply Ok(params string[] ids) =>
        new(200, $$"""{"sentMessages":[{{string.Join(',', ids.Select(id => $$"""{"id":"{{id}}"}"""))}}]}""");

    private static List<string> Texts(RecordedRequest request) =>
        [.. request.Json.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()!)];

    private sealed class MissingTokens : IChannelCredentials
    {
        public ValueTask<LineCredential> GetAsync(string channelId, CancellationToken cancellationToken) =>
            throw new DomainException(DomainError.Misconfigured, $"Channel '{channelId}' has no channel access token.");
    }

    private sealed class UnreachableTokens : IChannelCredentials
    {
        public ValueTask<LineCredential> GetAsync(string channelId, CancellationToken cancellationToken) =>
            throw new SecretStoreException("Key Vault did not answer.", 0);
    }
}
