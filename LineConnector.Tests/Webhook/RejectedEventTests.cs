using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LineConnector.Core.Inbound;
using LineConnector.Core.Line;
using LineConnector.Core.Queueing;
using LineConnector.Core.Storage;
using LineConnector.Functions.LocalMode;
using LineConnector.Tests.Enquiries;
using LineConnector.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LineConnector.Tests.Webhook;

/// <summary>Webhook input the connector cannot use (issue 11): a bad body is refused whole, a bad event on its own.</summary>
public class RejectedEventTests
{
    private const string EmptySourceType = """{"type":"message","mode":"active","timestamp":1692251666727,"source":{"type":"","userId":"U4af4980629"},"webhookEventId":"01REJECT0000000000000000001","deliveryContext":{"isRedelivery":false},"replyToken":"r1","message":{"type":"text","id":"1","quoteToken":"q","text":"hi"}}""";

    private static HttpRequestMessage Signed(byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/line/" + ConnectorApp.ChannelId) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(LineSignature.HeaderName, LineSignature.Compute(body, ConnectorApp.Secret));
        return request;
    }

    private static HttpRequestMessage Signed(string body) => Signed(Encoding.UTF8.GetBytes(body));

    [Fact]
    public async Task A_lone_surrogate_in_destination_is_400_naming_the_problem()
    {
        var queue = new RecordingQueueSender();
        await using var app = ConnectorApp.WithQueue(queue);

        var response = await app.CreateClient().SendAsync(Signed("""{"destination":"U0123456789abcdef\ud800","events":[]}"""));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("detail").GetString().Should().Contain("'destination' has a lone surrogate escape");
        queue.Calls.Should().Be(0);
    }

    [Fact]
    public async Task A_body_that_is_not_UTF_8_is_400_naming_the_problem()
    {
        var queue = new RecordingQueueSender();
        await using var app = ConnectorApp.WithQueue(queue);
        var body = Encoding.UTF8.GetBytes(WebhookJson.Body(WebhookJson.TextMessage("U1", "01JA", text: "\u00e9")));
        body[Array.IndexOf(body, (byte)0xc3)] = 0xc0;

        var response = await app.CreateClient().SendAsync(Signed(body));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString().Should().Contain("not UTF-8");
        queue.Calls.Should().Be(0);
    }

    [Fact]
    public async Task An_event_that_cannot_be_used_is_recorded_once_with_reason_and_position_and_the_others_are_queued()
    {
        var queue = new RecordingQueueSender();
        await using var app = ConnectorApp.WithQueue(queue);
        var client = app.CreateClient();
        var body = WebhookJson.Body(WebhookJson.TextMessage("U1", "01JB0000000000000000000001"), EmptySourceType, WebhookJson.TextMessage("U2", "01JB0000000000000000000003"));

        // LINE sends it again: the rejected event is still recorded once.
        foreach (var _ in new[] { 1, 2 })
        {
            (await client.SendAsync(Signed(body))).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        queue.Sent.Select(s => s.Message.MessageId).Should().Equal(
            "01JB0000000000000000000001", "01JB0000000000000000000003", "01JB0000000000000000000001", "01JB0000000000000000000003");
        var rows = new List<TableRow>();
        await foreach (var row in app.Services.GetRequiredService<ITableStore>().QueryPartitionAsync(RejectedEventLog.Table, ConnectorApp.ChannelId, default))
        {
            rows.Add(row);
        }

        var recorded = rows.Should().ContainSingle().Subject;
        recorded.RowKey.Should().Be("01REJECT0000000000000000001");
        recorded.Properties[RejectedEventLog.Position].Should().Be(1);
        recorded.Properties[RejectedEventLog.Reason].Should().Be("'source.type' is empty");
        recorded.Properties[RejectedEventLog.EventType].Should().Be("message");
        var warnings = app.Logs.Where(l => l.StartsWith("Warning LineConnector.Webhook", StringComparison.Ordinal)).ToList();
        warnings.Should().HaveCount(2, "one line per webhook request");
        warnings[0].Should().Contain("queued 2 event(s), rejected 1").And.Contain("events[1] (01REJECT0000000000000000001): 'source.type' is empty");
    }

    [Fact]
    public async Task Many_rejected_events_make_one_log_line_and_one_record_each_up_to_the_limit()
    {
        var queue = new RecordingQueueSender();
        await using var app = ConnectorApp.WithQueue(queue);
        var events = Enumerable.Range(0, 1000).Select(i => $$$"""{"type":"follow","webhookEventId":"01MANY{{{i:D6}}}","source":{"type":"user","userId":"U?{{{i}}}"}}""");

        var response = await app.CreateClient().SendAsync(Signed(WebhookJson.Body([.. events])));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        queue.Calls.Should().Be(0);
        var rows = 0;
        await foreach (var _ in app.Services.GetRequiredService<ITableStore>().QueryPartitionAsync(RejectedEventLog.Table, ConnectorApp.ChannelId, default))
        {
            rows++;
        }

        rows.Should().Be(WebhookSplitter.MaxRejectionsKept);
        app.Logs.Where(l => l.Contains("rejected 1000", StringComparison.Ordinal)).Should().ContainSingle().Which.Should().Contain("and 990 more");
    }

    [Fact]
    public async Task When_the_rejected_events_cannot_be_recorded_the_answer_is_500_so_that_LINE_redelivers()
    {
        var queue = new RecordingQueueSender();
        await using var app = new ConnectorApp(s =>
        {
            s.Replace(ServiceDescriptor.Singleton<IQueueSender>(queue));
            s.Replace(ServiceDescriptor.Singleton(new RejectedEventLog(new UnreachableTables())));
        });

        var response = await app.CreateClient().SendAsync(Signed(WebhookJson.Body(WebhookJson.TextMessage("U1", "01JC"), EmptySourceType)));

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        app.Logs.AllText.Should().Contain("StoreUnavailable").And.Contain(RejectedEventLog.Table).And.NotContain("could not be queued");
    }

    [Fact]
    public async Task After_an_event_with_an_empty_source_type_the_same_users_next_message_reaches_the_destination()
    {
        await using var world = await EnquiryWorld.StartAsync();

        await world.PostWebhookAsync(EmptySourceType);
        await world.PostWebhookAsync(EnquiryWorld.Text("U4af4980629", "01REJECT0000000000000000002", "Is anyone there?"));

        var (forwarded, _) = world.Received("desk").Should().ContainSingle().Subject;
        forwarded.Event!.Value.GetProperty("webhookEventId").GetString().Should().Be("01REJECT0000000000000000002");
        forwarded.Source!.Value.GetProperty("userId").GetString().Should().Be("U4af4980629");
        (await world.App.Services.GetRequiredService<InProcessQueue>().DeadLettersAsync()).Should().BeEmpty();
        world.Queue.Sent.Select(s => s.Message.MessageId).Should().NotContain("01REJECT0000000000000000001");
    }

    /// <summary>A table service that cannot be reached.</summary>
    private sealed class UnreachableTables : ITableStore
    {
        public Task CreateTableIfNotExistsAsync(string table, CancellationToken cancellationToken) => throw Unreachable(table);

        public Task<TableRow?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken) => throw Unreachable(table);

        public Task<string> InsertAsync(string table, TableRow row, CancellationToken cancellationToken) => throw Unreachable(table);

        public Task<string> ReplaceAsync(string table, TableRow row, string ifMatch, CancellationToken cancellationToken) => throw Unreachable(table);

        public Task<string> MergeAsync(string table, TableRow row, string ifMatch, CancellationToken cancellationToken) => throw Unreachable(table);

        public Task<string> UpsertAsync(string table, TableRow row, CancellationToken cancellationToken) => throw Unreachable(table);

        public Task DeleteAsync(string table, string partitionKey, string rowKey, string ifMatch, CancellationToken cancellationToken) => throw Unreachable(table);

        public IAsyncEnumerable<TableRow> QueryPartitionAsync(string table, string partitionKey, CancellationToken cancellationToken) => throw Unreachable(table);

        public IAsyncEnumerable<TableRow> QueryAsync(string table, TableKeyRange partitionKeys, TableKeyRange? rowKeys, CancellationToken cancellationToken) => throw Unreachable(table);

        public Task<IReadOnlyList<string?>> SubmitTransactionAsync(string table, string partitionKey, IReadOnlyList<TableOperation> operations, CancellationToken cancellationToken) =>
            throw Unreachable(table);

        private static TableStoreException Unreachable(string table) => new($"Table '{table}': the table service could not be reached (test).", table, null, null, 0, null);
    }
}
