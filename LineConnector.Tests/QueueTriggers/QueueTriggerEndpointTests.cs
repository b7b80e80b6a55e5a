using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LineConnector.Core.Queueing;
using LineConnector.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LineConnector.Tests.QueueTriggers;

/// <summary>Posts exactly what the Functions host posts to a custom handler for a Service Bus trigger.</summary>
public class QueueTriggerEndpointTests
{
    private const string Body = """{"channelId":"shop","destination":"Ubot","receivedAt":"2026-11-21T09:00:00+00:00","event":{"type":"follow","text":"é \"q\""}}""";

    private static ConnectorApp App(RecordingHandler handler) =>
        new(s =>
        {
            s.RemoveAll<IQueueMessageHandler>();
            s.AddSingleton<IQueueMessageHandler>(handler);
        });

    // The host's own test asserts Data is the body JSON-encoded once more: a string holding a JSON string literal.
    private static string DoubleEncoded(string body) => JsonSerializer.Serialize(JsonSerializer.Serialize(body));

    private static string SingleEncoded(string body) => JsonSerializer.Serialize(body);

    private static string Invocation(string data, bool quotedMetadata = true, string? applicationProperties = null)
    {
        string Meta(string value) => quotedMetadata ? JsonSerializer.Serialize(JsonSerializer.Serialize(value)) : JsonSerializer.Serialize(value);
        var properties = applicationProperties is null ? "" : $",\"ApplicationProperties\":{applicationProperties}";
        return $$"""
            {"Data":{"message":{{data}}},
             "Metadata":{"DeliveryCount":{{(quotedMetadata ? "\"2\"" : "2")}},"MessageId":{{Meta("01KA")}},"SessionId":{{Meta("shop:U1")}},
                         "EnqueuedTimeUtc":{{Meta("2026-11-21T09:00:00")}},"SequenceNumber":"7","ContentType":null{{properties}},"sys":{"MethodName":"LineInbound","UtcNow":"2026-11-21T09:00:01Z"} } }
            """;
    }

    private static async Task<HttpResponseMessage> Invoke(ConnectorApp app, string function, string invocation)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/" + function) { Content = new StringContent(invocation, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Azure-Functions-InvocationId", Guid.NewGuid().ToString());
        request.Headers.Add("X-Azure-Functions-HostVersion", "4.1040.0");
        return await app.CreateClient().SendAsync(request);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(false, false)]
    public async Task Double_or_single_encoded_data_and_quoted_or_plain_metadata_give_the_same_message(bool doubleEncoded, bool quotedMetadata)
    {
        var handler = new RecordingHandler(QueueNames.Inbound);
        await using var app = App(handler);

        var response = await Invoke(app, "LineInbound", Invocation(doubleEncoded ? DoubleEncoded(Body) : SingleEncoded(Body), quotedMetadata));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        answer.GetProperty("Outputs").ValueKind.Should().Be(JsonValueKind.Object);
        answer.GetProperty("Logs").ValueKind.Should().Be(JsonValueKind.Array);
        answer.TryGetProperty("ReturnValue", out _).Should().BeTrue();
        var message = handler.Received.Single();
        message.Should().Be(new ReceivedMessage("01KA", "shop:U1", 2, Body));
    }

    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    private const string TraceProperties = $$"""{"traceparent":"{{TraceParent}}","tracestate":"congo=t61rcWkgMzE","attempt":3}""";

    // UNCONFIRMED (custom-handler-contract.md): whether the host gives Metadata.ApplicationProperties as an
    // object or as a JSON-serialized string, and its values with or without extra quotes. Each is read.
    public static TheoryData<string> ApplicationPropertiesForms() =>
    [
        TraceProperties,
        JsonSerializer.Serialize(TraceProperties),
        $$"""{"traceparent":{{JsonSerializer.Serialize(JsonSerializer.Serialize(TraceParent))}},"tracestate":"\"congo=t61rcWkgMzE\""}""",
    ];

    [Theory]
    [MemberData(nameof(ApplicationPropertiesForms))]
    public async Task The_messages_application_properties_reach_the_handler_as_object_or_serialized_string(string properties)
    {
        var handler = new RecordingHandler(QueueNames.Inbound);
        await using var app = App(handler);

        var response = await Invoke(app, "LineInbound", Invocation(DoubleEncoded(Body), applicationProperties: properties));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        handler.Received.Single().ApplicationProperties.Should().Equal(new Dictionary<string, string>
        {
            [QueueTracing.TraceParentProperty] = TraceParent,
            [QueueTracing.TraceStateProperty] = "congo=t61rcWkgMzE",
        });
    }

    [Theory]
    [InlineData(null)]
    [InlineData("null")]
    [InlineData("\"not json\"")]
    [InlineData("[1,2]")]
    public async Task Without_readable_application_properties_the_message_has_none(string? properties)
    {
        var handler = new RecordingHandler(QueueNames.Inbound);
        await using var app = App(handler);

        var response = await Invoke(app, "LineInbound", Invocation(DoubleEncoded(Body), applicationProperties: properties));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        handler.Received.Single().ApplicationProperties.Should().BeEmpty();
    }

    [Fact]
    public async Task The_handler_runs_in_a_span_that_continues_the_messages_trace_linked_to_the_invocation()
    {
        using var spans = new ConnectorSpans();
        var handler = new RecordingHandler(QueueNames.Inbound);
        await using var app = App(handler);
        var sentIn = $"00-{spans.Root.TraceId}-{spans.Root.SpanId}-01";

        var response = await Invoke(app, "LineInbound", Invocation(DoubleEncoded(Body), applicationProperties: $$"""{"traceparent":"{{sentIn}}"}"""));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var process = spans.Single($"process {QueueNames.Inbound}");
        process.Kind.Should().Be(ActivityKind.Consumer);
        process.ParentSpanId.Should().Be(spans.Root.SpanId, "the span continues the trace the message was sent in");
        process.Links.Should().ContainSingle("the span links the host's invocation (the request's span)");
        process.GetTagItem("messaging.message.id").Should().Be("01KA");
        process.GetTagItem("messaging.servicebus.message.delivery_count").Should().Be(2);
        process.Status.Should().Be(ActivityStatusCode.Unset);
    }

    [Fact]
    public async Task A_failed_handler_marks_its_span_failed()
    {
        using var spans = new ConnectorSpans();
        var handler = new RecordingHandler(QueueNames.Inbound, fail: true);
        await using var app = App(handler);
        var sentIn = $"00-{spans.Root.TraceId}-{spans.Root.SpanId}-01";

        var response = await Invoke(app, "LineInbound", Invocation(DoubleEncoded(Body), applicationProperties: $$"""{"traceparent":"{{sentIn}}"}"""));

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        var process = spans.Single($"process {QueueNames.Inbound}");
        process.Status.Should().Be(ActivityStatusCode.Error);
        process.GetTagItem("error.type").Should().Be(typeof(InvalidOperationException).FullName);
    }

    [Fact]
    public async Task A_body_given_as_a_json_object_is_taken_as_its_text()
    {
        var handler = new RecordingHandler(QueueNames.Inbound);
        await using var app = App(handler);

        var response = await Invoke(app, "LineInbound", Invocation(Body));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        JsonDocument.Parse(handler.Received.Single().Body).RootElement.GetProperty("channelId").GetString().Should().Be("shop");
    }

    [Fact]
    public async Task The_outbound_function_goes_to_the_outbound_handler()
    {
        var inbound = new RecordingHandler(QueueNames.Inbound);
        var outbound = new RecordingHandler(QueueNames.Outbound);
        await using var app = new ConnectorApp(s =>
        {
            s.RemoveAll<IQueueMessageHandler>();
            s.AddSingleton<IQueueMessageHandler>(inbound);
            s.AddSingleton<IQueueMessageHandler>(outbound);
        });

        (await Invoke(app, "LineOutbound", Invocation(DoubleEncoded("{}")))).StatusCode.Should().Be(HttpStatusCode.OK);

        outbound.Received.Should().ContainSingle();
        inbound.Received.Should().BeEmpty();
    }

    [Fact]
    public async Task A_handler_failure_answers_500_so_the_host_abandons_the_message()
    {
        var handler = new RecordingHandler(QueueNames.Inbound, fail: true);
        await using var app = App(handler);

        var response = await Invoke(app, "LineInbound", Invocation(DoubleEncoded(Body)));

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await response.Content.ReadAsStringAsync()).Should().Contain("01KA").And.Contain("store unavailable");
        app.Logs.AllText.Should().Contain("Service Bus will redeliver it");
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"Data":{}}""")]
    [InlineData("""{"Data":{"message":42},"Metadata":{"MessageId":"\"1\""}}""")]
    [InlineData("""{"Data":{"message":"{}"},"Metadata":{}}""")]
    public async Task An_invocation_that_is_not_a_service_bus_message_is_400(string invocation)
    {
        var handler = new RecordingHandler(QueueNames.Inbound);
        await using var app = App(handler);

        var response = await Invoke(app, "LineInbound", invocation);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        handler.Received.Should().BeEmpty();
    }

    [Fact]
    public async Task The_inbound_handler_reads_a_real_envelope_and_opens_an_enquiry()
    {
        await using var app = new ConnectorApp();
        var envelope = $$"""{"channelId":"shop","destination":"Ubot","receivedAt":"2026-11-21T09:00:00+00:00","event":{{WebhookJson.TextMessage("U1", "01KB")}}}""";

        var response = await Invoke(app, "LineInbound", Invocation(DoubleEncoded(envelope)));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        app.Logs.AllText.Should().Contain($"Channel shop: message 01KA (delivery 2) opened enquiry {Core.Enquiries.EnquiryIds.For("shop", "U1", "01KA")}");
    }

    private sealed class RecordingHandler(string queue, bool fail = false) : IQueueMessageHandler
    {
        public ConcurrentQueue<ReceivedMessage> Received { get; } = new();

        public string QueueName => queue;

        public Task HandleAsync(ReceivedMessage message, CancellationToken cancellationToken)
        {
            if (fail)
            {
                throw new InvalidOperationException("store unavailable");
            }

            Received.Enqueue(message);
            return Task.CompletedTask;
        }
    }
}
