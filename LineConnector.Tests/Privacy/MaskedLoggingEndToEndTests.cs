using System.Diagnostics;
using System.Net;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Queueing;
using LineConnector.Functions.Hosting;
using LineConnector.Functions.LocalMode;
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
/// Also what the connector's code does not write itself: ASP.NET Core's request lines and spans of the erase
/// route (its path names the user), an HttpClient span to a LINE path naming the user (as a profile fetch), and
/// local mode's line about a dead-lettered message (its session names the user).
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class MaskedLoggingEndToEndTests
{
    private const string UserText = "My card ends 4242 and my address is 1-2-3 Shibuya";
    private const string StaffText = "Thanks Hanako, your parcel 9981 ships today";
    private const string PoisonQueue = "masking-poison";

    private readonly LockedList<Activity> _spans = new();
    private readonly LockedList<MetricSnapshot> _metrics = new();

    private async Task<(EnquiryWorld World, List<string> Everything)> LifecycleAsync(bool masked)
    {
        var world = await EnquiryWorld.StartAsync(
            new Dictionary<string, string?>
            {
                [$"Channels:{Channel}:MaskSensitiveLogging"] = masked ? "true" : "false",
                ["DataProtection:UserIdHashKey"] = "test-user-id-hash-key-0123456789",
                // ASP.NET Core's request lines (off by default, appsettings.json) are on, so that they are checked too.
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Information",
                ["LocalQueue:MaxDeliveryCount"] = "2",
            },
            services =>
            {
                services.AddSingleton<IQueueMessageHandler>(new FailingHandler());
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

        // A message of the user's session that fails every delivery: local mode dead-letters it and logs that.
        var queue = world.App.Services.GetRequiredService<InProcessQueue>();
        await queue.SendAsync(PoisonQueue, [new QueueMessage("01MASKEDPOISON00000000001", ConversationSession.Id(Channel, User(1)), "{}"u8.ToArray())], default);
        await world.IdleAsync();
        (await queue.DeadLettersAsync(PoisonQueue)).Should().ContainSingle();

        // A LINE path naming the user (GET /v2/bot/profile/{userId}), through an HttpClient as the LINE client's.
        using (var http = CallerTimedHttpClient.Create())
        {
            using var profile = await http.GetAsync(new Uri(world.Line.BaseUrl, $"v2/bot/profile/{User(1)}"));
        }

        // Erasing a user who never wrote: the route's path names them.
        (await world.Client.DeleteAsync($"/api/manage/channels/{Channel}/users/{User(3)}")).StatusCode.Should().Be(HttpStatusCode.OK);

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
        everything.Where(line => line.Contains(User(1), StringComparison.Ordinal) || line.Contains(User(2), StringComparison.Ordinal) || line.Contains(User(3), StringComparison.Ordinal))
            .Should().BeEmpty();
        var user1 = world.App.Services.GetRequiredService<Core.Privacy.UserIdHasher>().Hash(User(1));
        var user3 = world.App.Services.GetRequiredService<Core.Privacy.UserIdHasher>().Hash(User(3));
        // The lines and spans the checks above read are there, naming the users by their hash.
        everything.Should().Contain(line => line.Contains("Dead-lettered message 01MASKEDPOISON00000000001", StringComparison.Ordinal) && line.Contains($"{Channel}:{user1}", StringComparison.Ordinal));
        everything.Should().Contain(line => line.Contains("Request starting", StringComparison.Ordinal) && line.Contains($"/users/{user3}", StringComparison.Ordinal));
        everything.Should().Contain(line => line.StartsWith("url.path=", StringComparison.Ordinal) && line.Contains($"/users/{user3}", StringComparison.Ordinal));
        everything.Should().Contain(line => line.StartsWith("url.full=", StringComparison.Ordinal) && line.Contains($"/v2/bot/profile/{user1}", StringComparison.Ordinal));
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
        everything.Should().Contain(line => line.Contains("Dead-lettered message 01MASKEDPOISON00000000001", StringComparison.Ordinal) && line.Contains($"{Channel}:{User(1)}", StringComparison.Ordinal),
            "local mode's dead-letter line follows the channel's masking");
    }

    /// <summary>Handles the poison queue by failing, as a handler whose store is down.</summary>
    private sealed class FailingHandler : IQueueMessageHandler
    {
        public string QueueName => PoisonQueue;

        public Task HandleAsync(ReceivedMessage message, CancellationToken cancellationToken) => throw new InvalidOperationException("The handler failed.");
    }
}
