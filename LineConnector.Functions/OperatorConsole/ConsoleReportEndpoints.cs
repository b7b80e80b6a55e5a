using System.Globalization;
using LineConnector.Core;
using LineConnector.Core.Channels;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Outbound;
using LineConnector.Core.Queueing;
using LineConnector.Core.Storage;
using LineConnector.Functions.Admin;
using LineConnector.Functions.DeadLetters;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LineConnector.Functions.OperatorConsole;

/// <summary>
/// What the console's Failures and Usage screens show, as admin routes under <c>/api/manage</c>: how outbound
/// messages ended (with the reasons of those that failed), the dead-letter queues with replay, and usage figures.
/// </summary>
public static class ConsoleReportEndpoints
{
    public const int DefaultDays = 7;
    public const int MaxDays = 90;
    public const int MaxDeadLetters = 500;

    public static void MapConsoleReports(this IEndpointRouteBuilder endpoints)
    {
        var manage = endpoints.MapGroup(ChannelAdminEndpoints.Prefix).WithTags("Reports").DisableAntiforgery();
        manage.MapGet("/channels/{id}/deliveries", DeliveriesAsync).WithName("ListDeliveries")
            .WithSummary("How the channel's outbound messages of the last ?days= (default 7) ended, newest first; ?status=failed (or uncertain, delivered) keeps those.");
        manage.MapGet("/channels/{id}/activity", ActivityAsync).WithName("GetActivity")
            .WithSummary("Enquiries per day, missed rate, first-response time and LINE requests by reply and push over the last ?days= (default 7).");
        manage.MapGet("/dead-letters", DeadLettersAsync).WithName("ListDeadLetters")
            .WithSummary("The dead-lettered messages of ?queue= (line-inbound or line-outbound), oldest first.");
        manage.MapPost("/dead-letters/{queue}/replay", ReplayAsync).WithName("ReplayDeadLetters")
            .WithSummary("Sends the queue's dead-lettered messages back to it, oldest first, with their ids (handlers drop repeats).");
    }

    private static async Task<Ok<DeliveryListResource>> DeliveriesAsync(
        string id, string? status, int? days, ChannelAdministration channels, ITableStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        var window = Days(days);
        OutboundStatus? wanted = null;
        if (status is not null)
        {
            wanted = OutboundTexts.Status.TryParse(status, out var parsed) ? parsed : throw DomainException.Invalid("status", $"must be {OutboundTexts.Status.Choices}");
        }

        await channels.GetAsync(id, cancellationToken);
        var results = await new TableOutboundRecords(store, clock).ListResultsAsync(id, clock.GetUtcNow().AddDays(-window), cancellationToken);
        var listed = results.Where(r => wanted is null || r.Status == wanted).Reverse().Select(DeliveryResource.Of).ToList();
        return TypedResults.Ok(new DeliveryListResource(id, status, window, listed));
    }

    private static async Task<Ok<UsageResource>> ActivityAsync(
        string id, int? days, ChannelAdministration channels, EnquiryStore enquiries, ITableStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        var window = Days(days);
        var channel = (await channels.GetAsync(id, cancellationToken)).Channel;
        var zone = channel.Settings.Zone;
        var now = clock.GetUtcNow();
        var since = now.AddDays(-window);
        string DayOf(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var opened = new List<Enquiry>();
        foreach (var state in Enum.GetValues<EnquiryState>())
        {
            await foreach (var stored in enquiries.ListAsync(id, state, cancellationToken))
            {
                if (stored.Enquiry.OpenedAt >= since)
                {
                    opened.Add(stored.Enquiry);
                }
            }
        }

        var timeout = channel.Settings.MissedEnquiryTimeout;
        bool Missed(Enquiry e) => e.State == EnquiryState.Missed || (e.AcceptedAt is { } accepted && accepted - e.OpenedAt > timeout);
        double? FirstResponse(Enquiry e) => e.AcceptedAt is { } accepted ? (accepted - e.OpenedAt).TotalSeconds : null;
        var requests = (await new TableOutboundRecords(store, clock).ListResultsAsync(id, since, cancellationToken))
            .SelectMany(r => r.Requests).Where(r => r.SentAt >= since).ToList();

        var dayList = Enumerable.Range(0, window).Select(i => DayOf(now.AddDays(i - window + 1))).Distinct().ToList();
        var usageDays = dayList.Select(day =>
        {
            var those = opened.Where(e => DayOf(e.OpenedAt) == day).ToList();
            var sent = requests.Where(r => DayOf(r.SentAt) == day).ToList();
            return new UsageDay(day, those.Count, those.Count(Missed), Median(those.Select(FirstResponse)),
                sent.Count(r => r.Method == DeliveryMethod.Reply), sent.Count(r => r.Method == DeliveryMethod.Push));
        }).ToList();

        var missed = opened.Count(Missed);
        return TypedResults.Ok(new UsageResource(
            id, channel.Settings.TimeZone, opened.Count, missed, opened.Count == 0 ? 0 : Math.Round((double)missed / opened.Count, 4),
            Median(opened.Select(FirstResponse)), requests.Count(r => r.Method == DeliveryMethod.Reply), requests.Count(r => r.Method == DeliveryMethod.Push), usageDays));
    }

    private static async Task<Ok<DeadLetterListResource>> DeadLettersAsync(string? queue, int? max, IDeadLetterQueues deadLetters, CancellationToken cancellationToken)
    {
        var name = Queue(queue);
        var messages = await deadLetters.ListAsync(name, Max(max), cancellationToken);
        return TypedResults.Ok(new DeadLetterListResource(name, [.. messages.Select(m => Resource(name, m))], null));
    }

    private static async Task<Ok<DeadLetterListResource>> ReplayAsync(string queue, int? max, IDeadLetterQueues deadLetters, CancellationToken cancellationToken)
    {
        var name = Queue(queue);
        var report = await deadLetters.ReplayAsync(name, Max(max), cancellationToken);
        var note = report.TooRecent is { } waiting
            ? $"Message {waiting.MessageId} and those after it can be replayed from {report.ReplayableAt:u}: Service Bus would still drop them as duplicates."
            : null;
        return TypedResults.Ok(new DeadLetterListResource(name, [.. report.Replayed.Select(m => Resource(name, m))], note));
    }

    private static DeadLetterResource Resource(string queue, DeadLetterMessage m) =>
        new(queue, m.MessageId, m.SessionId, m.SequenceNumber, m.EnqueuedTime, m.DeliveryCount, m.DeadLetterReason);

    private static string Queue(string? queue) => queue is QueueNames.Inbound or QueueNames.Outbound
        ? queue
        : throw DomainException.Invalid("queue", $"{QueueNames.Inbound} or {QueueNames.Outbound}");

    private static int Days(int? days) => days switch
    {
        null => DefaultDays,
        >= 1 and <= MaxDays => days.Value,
        _ => throw DomainException.Invalid("days", $"1 to {MaxDays} (got {days})"),
    };

    private static int Max(int? max) => max switch
    {
        null => MaxDeadLetters,
        >= 1 and <= MaxDeadLetters => max.Value,
        _ => throw DomainException.Invalid("max", $"1 to {MaxDeadLetters} (got {max})"),
    };

    private static double? Median(IEnumerable<double?> values)
    {
        var sorted = values.OfType<double>().Order().ToList();
        return sorted.Count == 0 ? null : Math.Round(sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2, 1);
    }
}
