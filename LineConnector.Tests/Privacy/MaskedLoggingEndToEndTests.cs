using System.Diagnostics;
using System.Net;
using LineConnector.Core.Enquiries;
using LineConnector.Tests.Enquiries;
using LineConnector.Tests.Support;
using LineConnector.Tests.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using static LineConnector.Tests.Enquiries.EnquiryWorld;

namespace LineConnector.Tests.Privacy;

/// <summary>
/// A channel's whole lifecycle (a user's messages, a staff reply, the close) with every log line, span and
/// metric captured: masked, nothing names the user or quotes what anyone wrote; unmasked, the logs do name the user.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class MaskedLoggingEndToEndTests
{
    private const string UserText = "My card ends 4242 and my address is 1-2-3 Shibuya";
    private const string StaffText = "Thanks Hanako, your parcel 9981 ships today";

    private readonly LockedList<Activity> _spans = new();
    private readonly LockedList<MetricSnapshot> _metrics = new();

    private async Task<(EnquiryWorld World, List<string> Everything)> LifecycleAsync(bool masked)
    {
        var world = await EnquiryWorld.StartAsync(
            new Dictionary<string, string?>
            {
                [$"Channels:{Channel}:MaskSensitiveLogging"] = masked ? "true" : "false",
                ["DataProtection:UserIdHashKey"] = "test-user-id-hash-key-0123456789",
            },
            services =>
            {
                services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(_spans));
                services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(_metrics));
            });

        await world.PostWebhookAsync(Text(User(1), "01MASKED0000000000000001", UserText));
        // A follow-up the channel has no enquiry for: its record says why, naming the source.
        await world.PostWebhookAsync(Text(User(2), "01MASKED0000000000000002", UserText, mode: "standby"));
        var enquiryId = world.Received("desk").First().Message.Enquiry.Id;
        var reply = await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{enquiryId}/messages", DeskSecret,
            $$"""{"staff":{"id":"aiko","firstName":"Aiko"},"messages":[{"type":"text","text":"{{StaffText}}"}]}""");
        reply.StatusCode.Should().Be(HttpStatusCode.Accepted);
        await world.IdleAsync();
        (await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{enquiryId}/close", DeskSecret, """{"staffMemberId":"aiko"}""")).StatusCode.Should().Be(HttpStatusCode.OK);
        await world.IdleAsync();
        await world.EventuallyAsync(() => world.Received("desk").FirstOrDefault(r => r.Message.Kind == "delivery").Message, "the delivery report");
        world.App.Services.GetRequiredService<TracerProvider>().ForceFlush().Should().BeTrue();
        world.App.Services.GetRequiredService<MeterProvider>().ForceFlush().Should().BeTrue();

        var records = (await world.RowsAsync(Events)).Select(r => $"{r.RowKey}: {r.Properties[EnquiryProperties.Detail]}");
        var everything = world.App.Logs.ToList()
            .Concat(_spans.Snapshot().SelectMany(TelemetryEndToEndTests.SpanText))
            .Concat(_metrics.Snapshot().SelectMany(TelemetryEndToEndTests.MetricText))
            .Concat(records)
            .ToList();
        return (world, everything);
    }

    [Fact]
    public async Task A_masked_channels_lifecycle_leaves_no_message_text_and_no_raw_user_id_in_logs_telemetry_or_event_records()
    {
        var (world, everything) = await LifecycleAsync(masked: true);
        await using var _ = world;

        everything.Should().Contain(line => line.Contains("user#", StringComparison.Ordinal), "the lines name users, by their keyed hash");
        everything.Where(line => line.Contains(User(1), StringComparison.Ordinal) || line.Contains(User(2), StringComparison.Ordinal)).Should().BeEmpty();
        everything.Where(line => line.Contains("4242", StringComparison.Ordinal) || line.Contains("Shibuya", StringComparison.Ordinal) || line.Contains("Hanako", StringComparison.Ordinal))
            .Should().BeEmpty();
        everything.Should().NotContain(line => line.Contains("test-user-id-hash-key", StringComparison.Ordinal), "the hash key is never logged");
    }

    [Fact]
    public async Task An_unmasked_channel_names_its_users_so_the_masked_check_can_fail()
    {
        var (world, everything) = await LifecycleAsync(masked: false);
        await using var _ = world;

        everything.Should().Contain(line => line.Contains(User(1), StringComparison.Ordinal));
        everything.Should().Contain(line => line.Contains(User(2), StringComparison.Ordinal));
    }
}
