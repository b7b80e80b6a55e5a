using System.Text.Json;
using LineConnector.Core.Channels;

namespace LineConnector.Core.Transformers;

/// <summary>What the transformer stage decided for one message.</summary>
/// <param name="Value">What goes on (the input itself when the hook is off or failed without abort-on-error); null when dropped.</param>
/// <param name="Storage">The enquiry's storage object afterwards.</param>
/// <param name="Note">What the stage did, for the message's record; null when the hook is off.</param>
/// <param name="Console">The function's console lines.</param>
public sealed record TransformerDecision(JsonElement? Value, string? Storage, string? Note, IReadOnlyList<string> Console)
{
    public bool Dropped => Value is null;
}

/// <summary>
/// The transformer stage of the message pipeline: runs a channel's hook on one message and applies its
/// switches. A falsy return drops the message; an error drops it too when the hook aborts on error,
/// otherwise the message goes on unchanged. Either way the note says what happened and why.
/// </summary>
public static class TransformerStage
{
    public static TransformerDecision Apply(TransformerSettings settings, TransformerHookKind kind, JsonElement input, TransformerContext context)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(context);
        if (!settings.Runs(kind))
        {
            return new TransformerDecision(input, context.Storage, null, []);
        }

        var name = TransformerRunner.FunctionName(kind);
        var result = TransformerRunner.Run(settings, kind, input, context);
        var error = result.Outcome == TransformerOutcome.Returned ? ShapeError(kind, result.Output!.Value) : result.Error;
        var storage = error is null ? result.Storage : context.Storage;
        return (result.Outcome, error) switch
        {
            (TransformerOutcome.Dropped, _) => new TransformerDecision(null, storage, $"Dropped by the {name} transformer (it returned a falsy value).", result.Console),
            (_, null) => new TransformerDecision(result.Output, storage, $"The {name} transformer ran.", result.Console),
            _ when settings[kind].AbortOnError => new TransformerDecision(null, storage, $"Dropped: the {name} transformer failed and aborts on error: {error}.", result.Console),
            _ => new TransformerDecision(input, storage, $"The {name} transformer failed ({error}); the message goes on unchanged.", result.Console),
        };
    }

    /// <summary>What a hook must return: an object for an event, a request or an input; an array of message objects for a reply.</summary>
    public static string? ShapeError(TransformerHookKind kind, JsonElement value)
    {
        var name = TransformerRunner.FunctionName(kind);
        if (kind != TransformerHookKind.Output)
        {
            return value.ValueKind == JsonValueKind.Object ? null : $"{name} must return an object or a falsy value (got {Kind(value)})";
        }

        return value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0 && value.EnumerateArray().All(m => m.ValueKind == JsonValueKind.Object)
            ? null
            : $"{name} must return a non-empty array of LINE message objects or a falsy value (got {Kind(value)})";
    }

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => value.GetArrayLength() == 0 ? "an empty array" : "an array of something else than objects",
        JsonValueKind.Object => "an object",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        _ => value.ValueKind.ToString().ToLowerInvariant(),
    };
}
