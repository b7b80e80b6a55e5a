using System.Text.Json;

namespace LineConnector.Core.Transformers;

/// <summary>What one transformer function is given besides its input: the channel, the enquiry, and the enquiry's storage object.</summary>
/// <param name="Storage">The enquiry's storage object as JSON (null: an empty object).</param>
public sealed record TransformerContext(string ChannelId, string? EnquiryId, string? Storage);

/// <summary>How a call ended.</summary>
public enum TransformerOutcome
{
    /// <summary>It returned a value: <see cref="TransformerResult.Output"/>.</summary>
    Returned,

    /// <summary>It returned a falsy value: the message is dropped.</summary>
    Dropped,

    /// <summary>It threw, broke a limit, or returned what cannot be used: <see cref="TransformerResult.Error"/>.</summary>
    Failed,
}

/// <summary>What one call of a transformer function did.</summary>
/// <param name="Output">What it returned, as JSON (when <see cref="TransformerOutcome.Returned"/>).</param>
/// <param name="Storage">The storage object afterwards, as JSON (unchanged when the call failed).</param>
/// <param name="Console">What it wrote with <c>console.log</c>, <c>info</c>, <c>warn</c>, <c>error</c> and <c>debug</c>, one line per call.</param>
/// <param name="Error">Why it failed, naming the limit it broke when it broke one.</param>
public sealed record TransformerResult(TransformerOutcome Outcome, JsonElement? Output, string? Storage, IReadOnlyList<string> Console, string? Error);
