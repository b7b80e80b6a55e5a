using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Line;
using LineConnector.Core.Queueing;
using LineConnector.Core.Telemetry;
using LineConnector.Functions.Webhook;
using LineConnector.Tests.Enquiries;
using LineConnector.Tests.Line.Api;
using LineConnector.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using static LineConnector.Tests.Enquiries.EnquiryWorld;

namespace LineConnector.Tests.Telemetry;

/// <summary>
/// Local mode end to end (signed webhooks over HTTP, the in-process queue, a destination web server, a
/// fake LINE) with OpenTelemetry's in-memory exporters added to the app's own tracer and meter providers.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class TelemetryEndToEndTests
{
    private const string UrlKey = "desk-url-key-3c9e51";

    private readonly LockedList<Activity> _spans = new();
    private readonly LockedList<MetricSnapshot> _metrics = new();

    private static string Reply(string text) =>
        $$"""{"staff":{"id":"aiko","firstName":"Aiko","lastName":"Tanaka"},"messages":[{"type":"text","text":"{{text}}"}]}""";

    [Fact]
    public async Task One_trace_spans_the_webhook_the_inbound_handler_the_destination_call_and_the_LINE_call()
    {
        await using var world = await StartWorldAsync();
        var traceId = ActivityTraceId.CreateRandom();
        var lineCaller = ActivitySpanId.CreateRandom();

        await PostWebhookAsync(world, $"00-{traceId}-{lineCaller}-01", Text(User(1), "01EVENT0000000000000000T1"));
        Flush(world);

        var trace = _spans.Snapshot().Where(s => s.TraceId == traceId).ToList();
        var webhook = trace.Should().ContainSingle(s => s.Kind == ActivityKind.Server && Equals(s.GetTagItem("http.route"), LineWebhookEndpoint.Route)).Subject;
        webhook.ParentSpanId.Should().Be(lineCaller, "the webhook's span continues the trace of the request");
        var sendInbound = ChildOf(trace, webhook, $"send {QueueNames.Inbound}");
        var inbound = ChildOf(trace, sendInbound, $"process {QueueNames.Inbound}");
        var destination = ChildOf(trace, inbound, "destination event");
        destination.GetTagItem(ConnectorTelemetry.DestinationAttribute).Should().Be("desk");
        destination.GetTagItem(ConnectorTelemetry.DestinationResultAttribute).Should().Be("accepted");
        var destinationCall = trace.Should().ContainSingle(s => s.Kind == ActivityKind.Client && s.ParentSpanId == destination.SpanId).Subject;
        destinationCall.GetTagItem("url.full").Should().Be(new Uri(world.Destinations.BaseAddress, "desk").ToString());
        world.Destinations.Requests.Should().ContainSingle().Which.Headers["traceparent"].Should().StartWith($"00-{traceId}-", "the destination can continue the trace");

        // The welcome message goes on through line-outbound to LINE in the same trace.
        var sendOutbound = ChildOf(trace, inbound, $"send {QueueNames.Outbound}");
        var outbound = ChildOf(trace, sendOutbound, $"process {QueueNames.Outbound}");
        var lineReply = ChildOf(trace, outbound, "line reply");
        lineReply.GetTagItem(ConnectorTelemetry.ChannelAttribute).Should().Be(Channel);
        lineReply.GetTagItem(ConnectorTelemetry.LineAttemptsAttribute).Should().Be(1);
        trace.Should().ContainSingle(s => s.Kind == ActivityKind.Client && s.ParentSpanId == lineReply.SpanId)
            .Which.GetTagItem("url.full").Should().Be(new Uri(world.Line.BaseUrl, "v2/bot/message/reply").ToString());
        world.Line.RequestsTo("/v2/bot/message/reply").Single().Header("traceparent").Should().StartWith($"00-{traceId}-");

        trace.Where(s => s != webhook).Should().OnlyContain(s => trace.Any(p => p.SpanId == s.ParentSpanId), "the spans form one tree under the webhook");
    }

    [Fact]
    public async Task Events_enquiries_LINE_messages_and_failures_and_destination_latency_are_counted()
    {
        await using var world = await StartWorldAsync();

        await RunLifecycleAsync(world);
        Flush(world);

        Sum(ConnectorMetrics.WebhookEventsName, (ConnectorTelemetry.ChannelAttribute, Channel)).Should().Be(3);
        Sum(ConnectorMetrics.EnquiriesOpenedName, (ConnectorTelemetry.ChannelAttribute, Channel)).Should().Be(3);
        Sum(ConnectorMetrics.EnquiriesMissedName, (ConnectorTelemetry.ChannelAttribute, Channel)).Should().Be(1);
        Sum(ConnectorMetrics.EnquiriesClosedName, (ConnectorTelemetry.ChannelAttribute, Channel), (ConnectorTelemetry.EnquiryClosedByAttribute, "staff")).Should().Be(1);
        Sum(ConnectorMetrics.LineMessagesSentName, (ConnectorTelemetry.DeliveryMethodAttribute, "reply")).Should().Be(3, "welcome; welcome and away");
        Sum(ConnectorMetrics.LineMessagesSentName, (ConnectorTelemetry.DeliveryMethodAttribute, "push")).Should().Be(3, "the staff reply and the close message after the token was used; the welcome whose token LINE refused");
        Sum(ConnectorMetrics.LineFailuresName, (ConnectorTelemetry.LineOperationAttribute, "reply"), (ConnectorTelemetry.LineErrorKindAttribute, "InvalidReplyToken")).Should().Be(1);
        var latency = Points(ConnectorMetrics.DestinationDurationName, (ConnectorTelemetry.DestinationAttribute, "desk"), (ConnectorTelemetry.DestinationResultAttribute, "accepted"));
        latency.Sum(p => p.GetHistogramCount()).Should().BeGreaterThanOrEqualTo(2, "two events went to the desk (and it heard how its reply ended)");
        latency.Sum(p => p.GetHistogramSum()).Should().BeGreaterThan(0);
        _metrics.Snapshot().Single(m => m.Name == ConnectorMetrics.DestinationDurationName).Unit.Should().Be("s");
    }

    [Fact]
    public async Task No_span_or_metric_attribute_holds_a_secret_or_a_token()
    {
        await using var world = await StartWorldAsync(deskPath: $"desk?key={UrlKey}");

        var signatures = await RunLifecycleAsync(world);
        Flush(world);

        world.Destinations.Requests.Should().NotBeEmpty("the desk was called, through a URL with a key in its query");
        var secrets = new List<string> { ConnectorApp.Secret, AccessToken, DeskSecret, BackupSecret, UrlKey };
        secrets.AddRange(signatures);
        secrets.AddRange(Enumerable.Range(1, 3).Select(ReplyToken));
        var attributes = _spans.Snapshot().SelectMany(SpanText).Concat(_metrics.Snapshot().SelectMany(MetricText)).ToList();
        attributes.Should().Contain(a => a.Contains(Channel, StringComparison.Ordinal), "the check must see the attributes");
        attributes.Should().Contain(a => a.StartsWith("url.full=", StringComparison.Ordinal) && a.Contains("/desk?", StringComparison.Ordinal), "the destination's URL is recorded, its query redacted");
        foreach (var secret in secrets)
        {
            attributes.Where(a => a.Contains(secret, StringComparison.Ordinal)).Should().BeEmpty("no attribute may hold '{0}'", secret);
        }
    }

    private Task<EnquiryWorld> StartWorldAsync(string deskPath = "desk") =>
        EnquiryWorld.StartAsync(
            services: services =>
            {
                services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(_spans));
                services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(_metrics));
            },
            deskPath: deskPath);

    private static string ReplyToken(int user) => $"reply-token-{user}-9d2f41c07be3";

    /// <summary>
    /// Three users: the first is served by the desk, answered through the API and closed by staff; the
    /// second finds every destination away (missed); LINE refuses the third's reply token. Returns the
    /// webhooks' signatures.
    /// </summary>
    private static async Task<IReadOnlyList<string>> RunLifecycleAsync(EnquiryWorld world)
    {
        var signatures = new List<string>
        {
            await PostWebhookAsync(world, null, WebhookJson.TextMessage(User(1), "01EVENT0000000000000000L1", "Where is my order?", ReplyToken(1))),
        };
        var enquiryId = EnquiryIds.For(Channel, User(1), "01EVENT0000000000000000L1");
        (await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{enquiryId}/messages", DeskSecret, Reply("It ships today."))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        await world.IdleAsync();
        (await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{enquiryId}/close", DeskSecret, """{"staffMemberId":"aiko"}""")).StatusCode.Should().Be(HttpStatusCode.OK);
        await world.IdleAsync();

        foreach (var destination in new[] { "desk", "backup" })
        {
            (await world.CallAsync(HttpMethod.Put, $"/api/manage/channels/{Channel}/destinations/{destination}/presence", null, """{"available":false}""")).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        signatures.Add(await PostWebhookAsync(world, null, WebhookJson.TextMessage(User(2), "01EVENT0000000000000000L2", "Hello?", ReplyToken(2))));
        (await world.CallAsync(HttpMethod.Put, $"/api/manage/channels/{Channel}/destinations/desk/presence", null, """{"available":true}""")).StatusCode.Should().Be(HttpStatusCode.OK);

        world.Line.Script("POST", "/v2/bot/message/reply", FakeReply.Error(400, "Invalid reply token"));
        signatures.Add(await PostWebhookAsync(world, null, WebhookJson.TextMessage(User(3), "01EVENT0000000000000000L3", "Hi", ReplyToken(3))));
        return signatures;
    }

    /// <summary>Posts a signed webhook (with a W3C <c>traceparent</c> when given) and waits until its work is done; returns the signature.</summary>
    private static async Task<string> PostWebhookAsync(EnquiryWorld world, string? traceParent, params string[] events)
    {
        var body = WebhookJson.Body(events);
        var signature = WebhookJson.Sign(body, ConnectorApp.Secret);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/line/{Channel}") { Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")) };
        request.Headers.Add(LineSignature.HeaderName, signature);
        if (traceParent is not null)
        {
            request.Headers.Add("traceparent", traceParent);
        }

        (await world.Client.SendAsync(request)).StatusCode.Should().Be(HttpStatusCode.OK);
        await world.IdleAsync();
        return signature;
    }

    private static void Flush(EnquiryWorld world)
    {
        world.App.Services.GetRequiredService<TracerProvider>().ForceFlush().Should().BeTrue();
        world.App.Services.GetRequiredService<MeterProvider>().ForceFlush().Should().BeTrue();
    }

    private static Activity ChildOf(IReadOnlyList<Activity> trace, Activity parent, string name) =>
        trace.Should().ContainSingle(s => s.DisplayName == name && s.ParentSpanId == parent.SpanId, "{0} is a child of {1}", name, parent.DisplayName).Subject;

    /// <summary>The points of the latest export of a metric whose tags include <paramref name="tags"/>.</summary>
    private List<MetricPoint> Points(string name, params (string Key, string Value)[] tags)
    {
        var latest = _metrics.Snapshot().Last(m => m.Name == name);
        return latest.MetricPoints.Where(p => tags.All(t => Tags(p).Any(kv => kv.Key == t.Key && Equals(kv.Value, t.Value)))).ToList();
    }

    private long Sum(string name, params (string Key, string Value)[] tags) =>
        _metrics.Snapshot().Any(m => m.Name == name) ? Points(name, tags).Sum(p => p.GetSumLong()) : 0;

    private static List<KeyValuePair<string, object?>> Tags(MetricPoint point)
    {
        var tags = new List<KeyValuePair<string, object?>>();
        foreach (var tag in point.Tags)
        {
            tags.Add(tag);
        }

        return tags;
    }

    internal static IEnumerable<string> SpanText(Activity span) =>
        new[] { span.DisplayName, span.OperationName, span.StatusDescription ?? "", span.TraceStateString ?? "" }
            .Concat(span.TagObjects.Select(t => $"{t.Key}={t.Value}"))
            .Concat(span.Events.SelectMany(e => e.Tags.Select(t => $"{e.Name}: {t.Key}={t.Value}")))
            .Concat(span.Links.SelectMany(l => l.Tags?.Select(t => $"link: {t.Key}={t.Value}") ?? []))
            .Concat(span.Baggage.Select(b => $"{b.Key}={b.Value}"));

    internal static IEnumerable<string> MetricText(MetricSnapshot metric) =>
        metric.MetricPoints.SelectMany(p => Tags(p).Select(t => $"{metric.Name}: {t.Key}={t.Value}")).Prepend(metric.Name);
}
