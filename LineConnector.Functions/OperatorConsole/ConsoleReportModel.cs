using System.Text.Json;
using System.Text.Json.Serialization;
using LineConnector.Core.Outbound;

namespace LineConnector.Functions.OperatorConsole;

/// <summary>How one outbound message ended, as the failures screen shows it.</summary>
/// <param name="Status">delivered, failed or uncertain.</param>
/// <param name="Kind">Why it was not delivered: malformed, refused, rejected-by-line, monthly-limit, no-channel, gave-up or uncertain.</param>
/// <param name="Methods">How its requests went to LINE: reply, push.</param>
public sealed record DeliveryResource(
    string OutboundId, string? EnquiryId, string? Recipient, string Status, string? Kind, string? Reason, IReadOnlyList<string> Details,
    int? LineStatus, IReadOnlyList<string> Methods, DateTimeOffset FinishedAt)
{
    public static DeliveryResource Of(OutboundResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new(
            result.OutboundId, result.EnquiryId, result.Recipient, OutboundTexts.Status.Format(result.Status),
            result.Failure is { } f ? OutboundTexts.FailureKind.Format(f.Kind) : null, result.Failure?.Reason, result.Failure?.Details ?? [],
            result.Failure?.LineStatus, [.. result.Requests.Select(r => OutboundTexts.Method.Format(r.Method)).Distinct()], result.FinishedAt);
    }
}

/// <summary>Answer of <c>GET /api/manage/channels/{id}/deliveries</c>, newest first.</summary>
public sealed record DeliveryListResource(string ChannelId, string? Status, int Days, IReadOnlyList<DeliveryResource> Deliveries);

/// <summary>
/// A channel's usage over the last days, by day in the channel's time zone: enquiries opened and missed
/// (in the missed state, or accepted only after the channel's missed-enquiry timeout), first response
/// (from opening to acceptance: the destination taking it or a staff member's first reply), and LINE
/// requests by reply (free) and push (counted against the monthly quota).
/// </summary>
public sealed record UsageResource(
    string ChannelId, string TimeZone, int Enquiries, int Missed, double MissedRate, double? MedianFirstResponseSeconds,
    int Replies, int Pushes, IReadOnlyList<UsageDay> Days);

/// <param name="Date">yyyy-MM-dd in the channel's time zone.</param>
public sealed record UsageDay(string Date, int Enquiries, int Missed, double? MedianFirstResponseSeconds, int Replies, int Pushes);

/// <summary>A dead-lettered queue message, as the failures screen shows it.</summary>
public sealed record DeadLetterResource(string Queue, string MessageId, string SessionId, long SequenceNumber, DateTimeOffset EnqueuedAt, int DeliveryCount, string? Reason);

/// <summary>Answer of the dead-letter routes: what is on a queue's dead-letter queue, or what was just replayed from it.</summary>
/// <param name="Note">Why a replay stopped early (Service Bus's duplicate detection), when it did.</param>
public sealed record DeadLetterListResource(string Queue, IReadOnlyList<DeadLetterResource> Messages, string? Note);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DeliveryListResource))]
[JsonSerializable(typeof(UsageResource))]
[JsonSerializable(typeof(DeadLetterListResource))]
public sealed partial class ConsoleReportJsonContext : JsonSerializerContext;
