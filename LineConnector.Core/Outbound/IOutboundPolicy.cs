using System.Text.Json;

namespace LineConnector.Core.Outbound;

/// <summary>
/// Decides whether LINE message objects may leave: LINE's limits and the channel's stricter ones
/// (DESIGN §5, Outbound limits). Media are judged by probing their bytes.
/// </summary>
public interface IOutboundPolicy
{
    /// <param name="messages">A JSON array of LINE message objects, as the Messaging API takes them.</param>
    Task<OutboundVerdict> CheckAsync(JsonElement messages, CancellationToken cancellationToken);

    /// <summary>
    /// Turns messages the <paramref name="verdict"/> accepted into what LINE gets: media it marks for
    /// conversion (<see cref="MessageVerdict.RemuxAdts"/>) are converted and stored, their URLs and durations
    /// replaced. A conversion that fails for good is a reason; one that may pass throws.
    /// </summary>
    /// <param name="outboundId">Names what is stored, so that a redelivery replaces it.</param>
    Task<PreparedMessages> PrepareAsync(JsonElement messages, OutboundVerdict verdict, string outboundId, CancellationToken cancellationToken) =>
        Task.FromResult(new PreparedMessages(messages, []));
}

/// <summary>The messages to send, or why they cannot be (a conversion failed for good).</summary>
public sealed record PreparedMessages(JsonElement Messages, IReadOnlyList<string> Reasons);

/// <summary>The verdict on one message object: accepted, or refused with every reason.</summary>
public sealed record MessageVerdict(int Index, string Type, IReadOnlyList<string> Reasons)
{
    public bool Accepted => Reasons.Count == 0;

    /// <summary>Audio in ADTS that goes to LINE remuxed to M4A (<see cref="IOutboundPolicy.PrepareAsync"/>).</summary>
    public bool RemuxAdts { get; init; }
}

/// <summary>The verdicts on a list of message objects; it may leave only when every one is accepted.</summary>
public sealed record OutboundVerdict(IReadOnlyList<MessageVerdict> Messages, IReadOnlyList<string> ListReasons)
{
    public bool Accepted => ListReasons.Count == 0 && Messages.All(m => m.Accepted);

    public IEnumerable<string> AllReasons =>
        ListReasons.Concat(Messages.SelectMany(m => m.Reasons.Select(r => $"messages[{m.Index}] ({m.Type}): {r}")));
}
