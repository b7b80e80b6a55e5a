using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure;
using LineConnector.Core.Channels;
using LineConnector.Core.Inbound;
using LineConnector.Core.Queueing;
using LineConnector.Tests.Support;

namespace LineConnector.Tests.Webhook;

public class LineWebhookEndpointTests
{
    private const string Path = "/api/line/" + ConnectorApp.ChannelId;

    private static HttpRequestMessage Post(string body, string? signature, string path = Path, string header = "x-line-signature")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation(header, signature);
        }

        return request;
    }

    private static HttpRequestMessage Signed(string body, string path = Path, string header = "x-line-signature") =>
        Post(body, WebhookJson.Sign(body, ConnectorApp.Secret), path, header);

    [Fact]
    public async Task Three_events_from_two_users_are_queued_as_three_messages_with_session_and_message_ids()
    {
        var queue = new RecordingQueueSender();
        await using var app = ConnectorApp.WithQueue(queue);
        var body = WebhookJson.Body(
            WebhookJson.TextMessage("Ua1", "01JA0000000000000000000001"),
            WebhookJson.TextMessage("Ub2", "01JA0000000000000000000002"),
            WebhookJson.TextMessage("Ua1", "01JA0000000000000000000003"));

        var response = await app.CreateClient().SendAsync(Signed(body));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        queue.Calls.Should().Be(1, "the events go out in one batch");
        queue.Sent.Select(s => (s.Queue, s.Message.SessionId, s.Message.MessageId)).Should().Equal(
            (QueueNames.Inbound, "shop:Ua1", "01JA0000000000000000000001"),
            (QueueNames.Inbound, "shop:Ub2", "01JA0000000000000000000002"),
            (QueueNames.Inbound, "shop:Ua1", "01JA0000000000000000000003"));
    }

    [Fact]
    public async Task A_body_with_raw_non_ascii_and_unicode_escapes_verifies_as_sent_and_is_queued_byte_for_byte()
    {
        var queue = new RecordingQueueSender();
        await using var app = ConnectorApp.WithQueue(queue);
        var rawEvent = WebhookJson.TextMessage("Ua1", "01JB", text: "\\u0041\\u00e9\\ud83d\\ude00 é 日本語 😀 \\/ \\\\");
        var body = WebhookJson.Body(rawEvent);

        var response = await app.CreateClient().SendAsync(Signed(body));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var queued = Encoding.UTF8.GetString(queue.Sent.Single().Message.Body.Span);
        InboundEnvelope.Parse(queued).Event.GetRawText().Should().Be(rawEvent);
    }

    [Fact]
    public async Task The_signature_header_is_read_whatever_its_case()
    {
        var queue = new RecordingQueueSender();
        await using var app = ConnectorApp.WithQueue(queue);

        var response = await app.CreateClient().SendAsync(Signed(WebhookJson.Body(WebhookJson.TextMessage("U1", "01JC")), header: "X-Line-Signature"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        queue.Sent.Should().ContainSingle();
    }

    [Fact]
    public async Task Verify_button_with_no_events_gets_200_and_queues_nothing()
    {
        var queue = new RecordingQueueSender();
        await using var app = ConnectorApp.WithQueue(queue);

        var response = await app.CreateClient().SendAsync(Signed(WebhookJson.Body()));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        queue.Calls.Should().Be(0);
    }

    [Fact]
    public async Task Unknown_event_types_are_queued_as_they_are()
    {
        var queue = new RecordingQueueSender();
        await using var app = ConnectorApp.WithQueue(queue);
        const string unknown = """{"type":"futureThing","mode":"active","timestamp":1,"source":{"type":"user","userId":"U7"},"webhookEventId":"01JD","deliveryContext":{"isRedelivery":false},"x":{"y":[true]}}""";

        var response = await app.CreateClient().SendAsync(Signed(WebhookJson.Body(unknown)));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        InboundEnvelope.Parse(Encoding.UTF8.GetString(queue.Sent.Single().Message.Body.Span)).Event.GetRawText().Should().Be(unknown);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("t7Hn4ZDHqs6e+wdvi5TyQivzie0DmMUmuXEBqyyE/tM=")]
    [InlineData("not-base64")]
    public async Task Missing_or_wrong_signature_is_401_and_nothing_is_queued(string? signature)
    {
        var queue = new RecordingQueueSender();
        await using var app = ConnectorApp.WithQueue(queue);

        var response = await app.CreateClient().SendAsync(Post(WebhookJson.Body(WebhookJson.TextMessage("U1", "01JE")), signature));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await Problem(response)).GetProperty("title").GetString().Should().Be("Invalid signature");
        queue.Calls.Should().Be(0);
    }

    [Fact]
    public async Task A_body_signed_with_another_channels_secret_is_401()
    {
        var queue = new RecordingQueueSender();
        await using var app = ConnectorApp.WithQueue(queue);
        var body = WebhookJson.Body(WebhookJson.TextMessage("U1", "01JF"));

        var response = await app.CreateClient().SendAsync(Post(body, WebhookJson.Sign(body, "some-other-secret")));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        queue.Calls.Should().Be(0);
    }

    [Fact]
    public async Task A_body_over_1_MB_is_413_whether_or_not_its_length_is_declared()
    {
        var queue = new RecordingQueueSender();
        await using var app = ConnectorApp.WithQueue(queue);
        var body = WebhookJson.Body(WebhookJson.TextMessage("U1", "01JG", text: new string('a', WebhookIntake.MaxBodyBytes)));
        var client = app.CreateClient();

        var declared = await client.SendAsync(Signed(body));
        var chunked = Signed(body);
        chunked.Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body)));
        chunked.Headers.TransferEncodingChunked = true;
        var undeclared = await client.SendAsync(chunked);

        declared.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        undeclared.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        queue.Calls.Should().Be(0);
    }

    [Fact]
    public async Task A_body_of_exactly_1_MB_is_accepted()
    {
        var queue = new RecordingQueueSender();
        await using var app = ConnectorApp.WithQueue(queue);
        var prefix = WebhookJson.Body(WebhookJson.TextMessage("U1", "01JH", text: ""));
        var body = WebhookJson.Body(WebhookJson.TextMessage("U1", "01JH", text: new string('a', WebhookIntake.MaxBodyBytes - Encoding.UTF8.GetByteCount(prefix))));
        Encoding.UTF8.GetByteCount(body).Should().Be(WebhookIntake.MaxBodyBytes);

        var response = await app.CreateClient().SendAsync(Signed(body));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        queue.Sent.Should().ContainSingle();
    }

    [Theory]
    [InlineData("{\"destination\":\"U1\",\"events\":[")]
    [InlineData("{\"destination\":\"U1\",\"events\":\"none\"}")]
    [InlineData("[]")]
    [InlineData("not json")]
    public async Task A_signed_but_malformed_body_is_400_naming_the_problem(string body)
    {
        var queue = new RecordingQueueSender();
        await using var app = ConnectorApp.WithQueue(queue);

        var response = await app.CreateClient().SendAsync(Signed(body));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Problem(response)).GetProperty("detail").GetString().Should().NotBeNullOrEmpty();
        queue.Calls.Should().Be(0);
    }

    [Theory]
    [InlineData("/api/line/nochannel")]
    [InlineData("/api/line/bad%20id")]
    public async Task An_unknown_channel_is_404(string path)
    {
        var queue = new RecordingQueueSender();
        await using var app = ConnectorApp.WithQueue(queue);

        var response = await app.CreateClient().SendAsync(Signed(WebhookJson.Body(), path));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        queue.Calls.Should().Be(0);
    }

    [Fact]
    public async Task When_queueing_fails_the_answer_is_500_so_that_LINE_redelivers()
    {
        var queue = new RecordingQueueSender(new RequestFailedException(503, "Service Bus unavailable"));
        await using var app = ConnectorApp.WithQueue(queue);

        var response = await app.CreateClient().SendAsync(Signed(WebhookJson.Body(WebhookJson.TextMessage("U1", "01JI"))));

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        queue.Calls.Should().Be(1);
        app.Logs.AllText.Should().Contain("could not be queued").And.Contain("Service Bus unavailable");
    }

    [Fact]
    public async Task When_the_channel_store_is_unavailable_the_answer_is_500_not_401()
    {
        var queue = new RecordingQueueSender();
        await using var app = ConnectorApp.WithChannels(new ScriptedChannels(_ => throw new SecretStoreException("Key Vault timed out", 0)), queue);

        var response = await app.CreateClient().SendAsync(Signed(WebhookJson.Body(WebhookJson.TextMessage("U1", "01JJ"))));

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        queue.Calls.Should().Be(0);
    }

    [Fact]
    public async Task A_rotated_secret_is_read_again_once_after_a_mismatch()
    {
        var queue = new RecordingQueueSender();
        var channels = new ScriptedChannels(refresh => new WebhookChannel(ConnectorApp.ChannelId, [refresh ? ConnectorApp.Secret : "stale-cached-secret"], null));
        await using var app = ConnectorApp.WithChannels(channels, queue);

        var response = await app.CreateClient().SendAsync(Signed(WebhookJson.Body(WebhookJson.TextMessage("U1", "01JK"))));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        channels.Lookups.Should().Equal(false, true);
    }

    [Fact]
    public async Task The_previous_secret_is_accepted_beside_the_current_one()
    {
        var queue = new RecordingQueueSender();
        var channels = new ScriptedChannels(_ => new WebhookChannel(ConnectorApp.ChannelId, ["new-secret", ConnectorApp.Secret], null));
        await using var app = ConnectorApp.WithChannels(channels, queue);

        var response = await app.CreateClient().SendAsync(Signed(WebhookJson.Body(WebhookJson.TextMessage("U1", "01JL"))));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        channels.Lookups.Should().Equal(false);
    }

    [Fact]
    public async Task A_webhook_for_another_bot_is_refused_and_logged()
    {
        var queue = new RecordingQueueSender();
        var channels = new ScriptedChannels(_ => new WebhookChannel(ConnectorApp.ChannelId, [ConnectorApp.Secret], "Uffffffffffffffffffffffffffffffff"));
        await using var app = ConnectorApp.WithChannels(channels, queue);

        var response = await app.CreateClient().SendAsync(Signed(WebhookJson.Body(WebhookJson.TextMessage("U1", "01JM"))));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        queue.Calls.Should().Be(0);
        app.Logs.AllText.Should().Contain("WrongDestination").And.Contain(WebhookJson.Destination);
    }

    [Fact]
    public async Task The_channel_secret_never_appears_in_logs_or_responses()
    {
        var queue = new RecordingQueueSender();
        await using var app = ConnectorApp.WithQueue(queue);
        var client = app.CreateClient();
        var body = WebhookJson.Body(WebhookJson.TextMessage("U1", "01JN"));

        var texts = new List<string>();
        foreach (var request in new[] { Signed(body), Post(body, "wrong"), Signed("{"), Signed(body, "/api/line/other") })
        {
            var response = await client.SendAsync(request);
            texts.Add(await response.Content.ReadAsStringAsync());
        }

        string.Join("\n", texts).Should().NotContain(ConnectorApp.Secret);
        app.Logs.AllText.Should().NotContain(ConnectorApp.Secret).And.Contain("queued 1 event(s)");
    }

    private static async Task<JsonElement> Problem(HttpResponseMessage response)
    {
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private sealed class ScriptedChannels(Func<bool, WebhookChannel?> answer) : IWebhookChannelSource
    {
        public List<bool> Lookups { get; } = [];

        public ValueTask<WebhookChannel?> FindAsync(string channelId, bool refreshSecrets, CancellationToken cancellationToken)
        {
            Lookups.Add(refreshSecrets);
            return ValueTask.FromResult(channelId == ConnectorApp.ChannelId ? answer(refreshSecrets) : null);
        }
    }
}
