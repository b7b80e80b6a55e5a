using System.Text.Json;
using System.Text.Json.Serialization;
using LineConnector.Core.Channels;

namespace LineConnector.Core.Transformers;

/// <summary>Body of <c>POST /api/manage/channels/{id}/transformers/test</c>: one function on a sample input.</summary>
/// <param name="Hook"><c>input</c>, <c>output</c>, <c>notify</c> or <c>inject</c>.</param>
/// <param name="Input">The sample: a LINE webhook event (input), an array of LINE message objects (output), a notify request or an injected input.</param>
/// <param name="Storage">The storage object to start from (default: empty).</param>
/// <param name="Code">Code to try instead of the channel's (it is not saved); the channel's limits apply.</param>
public sealed record TransformerTestRequest(string? Hook, JsonElement? Input, JsonElement? Storage, string? Code);

/// <summary>What the function did with the sample.</summary>
/// <param name="Outcome"><c>returned</c>, <c>dropped</c> (a falsy value) or <c>failed</c>.</param>
public sealed record TransformerTestResource(string Outcome, JsonElement? Output, JsonElement? Storage, IReadOnlyList<string> Console, string? Error);

/// <summary>Runs one transformer function of a channel on a sample, whether or not its hook is switched on; nothing is sent or stored.</summary>
public static class TransformerTest
{
    public static TransformerTestResource Run(Channel channel, TransformerTestRequest request)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(request);
        List<FieldError> errors = [];
        if (!TransformerHookTexts.Hook.TryParse(request.Hook, out var kind))
        {
            errors.Add(new("hook", $"required: {TransformerHookTexts.Hook.Choices}"));
        }

        if (request.Input is not { ValueKind: JsonValueKind.Object or JsonValueKind.Array })
        {
            errors.Add(new("input", "required: the sample as JSON (an event, request or input object; an array of message objects for output)"));
        }

        if (request.Storage is { } given && given.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
        {
            errors.Add(new("storage", "a JSON object"));
        }

        var settings = request.Code is null ? channel.Settings.Transformers : channel.Settings.Transformers with { Code = request.Code };
        if (request.Code is not null)
        {
            errors.AddRange(TransformerSettings.Validate(settings with { Input = new(), Output = new(), Notify = new(), Inject = new() }, "transformers").Select(e => e with { Field = "code" }));
        }
        else if (string.IsNullOrWhiteSpace(settings.Code))
        {
            errors.Add(new("code", $"channel '{channel.Id}' has no transformer code: give code to try"));
        }

        if (errors.Count > 0)
        {
            throw DomainException.Invalid(errors, "The transformer test is not valid");
        }

        var storage = request.Storage is { ValueKind: JsonValueKind.Object } s ? s.GetRawText() : null;
        var result = TransformerRunner.Run(settings, kind, request.Input!.Value, new TransformerContext(channel.Id, null, storage));
        var error = result.Error ?? (result.Outcome == TransformerOutcome.Returned ? TransformerStage.ShapeError(kind, result.Output!.Value) : null);
        using var after = result.Storage is null ? null : JsonDocument.Parse(result.Storage);
        return new TransformerTestResource(
            error is not null ? "failed" : result.Outcome == TransformerOutcome.Dropped ? "dropped" : "returned",
            result.Output,
            after?.RootElement.Clone(),
            result.Console,
            error);
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TransformerTestRequest))]
[JsonSerializable(typeof(TransformerTestResource))]
public sealed partial class TransformerJsonContext : JsonSerializerContext;
