using System.Text.Json.Serialization;

namespace LineConnector.Core.Channels;

[JsonConverter(typeof(DestinationKindJson))]
public enum DestinationKind
{
    Bot,
    Staff,
}

[JsonConverter(typeof(DestinationTransportJson))]
public enum DestinationTransport
{
    /// <summary>A signed HTTPS POST to <see cref="Destination.WebhookUrl"/>.</summary>
    HttpsWebhook,

    /// <summary>A message on the Service Bus queue <see cref="Destination.QueueName"/>.</summary>
    ServiceBusQueue,
}

/// <summary>A bot or staff service that enquiries are handed to.</summary>
public sealed record Destination
{
    public const int MaxUrlLength = 2_000;

    /// <summary>Unique within the channel; the same characters as a channel id.</summary>
    public required string Id { get; init; }

    public required DestinationKind Kind { get; init; }

    public required DestinationTransport Transport { get; init; }

    /// <summary>For <see cref="DestinationTransport.HttpsWebhook"/>: HTTPS (HTTP only on loopback, for local testing).</summary>
    public Uri? WebhookUrl { get; init; }

    /// <summary>For <see cref="DestinationTransport.ServiceBusQueue"/>.</summary>
    public string? QueueName { get; init; }

    /// <summary>When the destination takes enquiries; null: at any time.</summary>
    public WeeklySchedule? Schedule { get; init; }
}

/// <summary>
/// Opening hours per day of the week in the channel's time zone. A day that is not listed is
/// closed; a range whose end is not after its start runs past midnight.
/// </summary>
public sealed record WeeklySchedule
{
    [JsonConverter(typeof(ScheduleDaysJson))]
    public required IReadOnlyDictionary<DayOfWeek, IReadOnlyList<TimeRange>> Days { get; init; }

    /// <summary>One window per day and range, Monday first: both read an end not after the start as the next day's.</summary>
    [JsonIgnore]
    public IEnumerable<WeeklyWindow> Windows =>
        Days.OrderBy(d => ((int)d.Key + 6) % 7).SelectMany(d => d.Value.Select(range => new WeeklyWindow([d.Key], range.From, range.To)));
}

/// <summary>From a time of day to another; an end not after the start is on the next day (00:00-00:00: all day).</summary>
[JsonConverter(typeof(TimeRangeJson))]
public readonly record struct TimeRange(TimeOnly From, TimeOnly To)
{
    /// <summary>Parses <c>HH:MM-HH:MM</c>.</summary>
    public static bool TryParse(string? text, out TimeRange range)
    {
        range = default;
        var parts = text?.Split('-', StringSplitOptions.TrimEntries);
        if (parts is not { Length: 2 } || !HourMinute.TryParse(parts[0], out var from) || !HourMinute.TryParse(parts[1], out var to))
        {
            return false;
        }

        range = new TimeRange(from, to);
        return true;
    }

    public override string ToString() => $"{HourMinute.Format(From)}-{HourMinute.Format(To)}";
}

internal sealed class DestinationKindJson() : EnumTextJsonConverter<DestinationKind>(ChannelTexts.DestinationKind);

internal sealed class DestinationTransportJson() : EnumTextJsonConverter<DestinationTransport>(ChannelTexts.Transport);
