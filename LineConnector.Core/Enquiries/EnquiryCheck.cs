using System.Text.Json;
using System.Text.Json.Serialization;
using LineConnector.Core.Queueing;

namespace LineConnector.Core.Enquiries;

/// <summary>
/// A scheduled <c>line-inbound</c> message that tells the inbound function to check an enquiry: whether
/// it was accepted in time (<see cref="Missed"/>), or has been quiet long enough to close (<see cref="AutoClose"/>).
/// It goes in the enquiry's conversation session, so it is handled in order with the source's events.
/// </summary>
public sealed record EnquiryCheck
{
    public const string Missed = "missed";
    public const string AutoClose = "auto-close";

    /// <summary><see cref="Missed"/> or <see cref="AutoClose"/>.</summary>
    public required string Check { get; init; }

    public required string ChannelId { get; init; }

    public required string EnquiryId { get; init; }

    public required string SourceId { get; init; }

    public required DateTimeOffset Due { get; init; }

    /// <summary>0 for the first check of this kind for this due time; one more for each check that found it not yet due.</summary>
    public int Attempt { get; init; }

    /// <summary>The Service Bus message id, and the key of the check's row (<see cref="EnquiryTables.EventRow"/>).</summary>
    [JsonIgnore]
    public string MessageId => $"{Check}-check-{EnquiryId}-{Due.ToUnixTimeMilliseconds()}-{Attempt}";

    public QueueMessage ToQueueMessage() =>
        new(MessageId, ConversationSession.Id(ChannelId, SourceId), JsonSerializer.SerializeToUtf8Bytes(this, EnquiryJsonContext.Default.EnquiryCheck))
        {
            ScheduledEnqueueTime = Due,
        };

    /// <summary>Whether the JSON object is a check rather than a webhook event's envelope (it has a <c>check</c> property).</summary>
    public static bool IsCheck(JsonElement root) => root.ValueKind == JsonValueKind.Object && root.TryGetProperty("check", out _);

    /// <exception cref="JsonException">The JSON is not a check.</exception>
    public static EnquiryCheck Read(JsonElement root)
    {
        var check = root.Deserialize(EnquiryJsonContext.Default.EnquiryCheck) ?? throw new JsonException("The check is null.");
        return check.Check is Missed or AutoClose
            ? check
            : throw new JsonException($"'{check.Check}' is no check: {Missed} or {AutoClose}.");
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(EnquiryCheck))]
internal sealed partial class EnquiryJsonContext : JsonSerializerContext;
