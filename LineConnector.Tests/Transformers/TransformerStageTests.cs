using System.Text.Json;
using LineConnector.Core.Channels;
using LineConnector.Core.Transformers;

namespace LineConnector.Tests.Transformers;

/// <summary>The stage's switches: off, change, drop, and a failure with and without abort-on-error, for each hook.</summary>
public sealed class TransformerStageTests
{
    private static readonly TransformerContext Context = new("shop", null, """{"seen":1}""");

    public static TheoryData<TransformerHookKind> Hooks() => new(Enum.GetValues<TransformerHookKind>());

    private static JsonElement Sample(TransformerHookKind kind) => JsonDocument.Parse(kind == TransformerHookKind.Output ? """[{"type":"text","text":"Hi"}]""" : """{"type":"message","text":"Hi"}""").RootElement.Clone();

    private static TransformerSettings Settings(TransformerHookKind kind, string body, bool enabled = true, bool abort = false)
    {
        var name = TransformerRunner.FunctionName(kind);
        var settings = new TransformerSettings { Code = $"function {name}(value, context) {{ {body} }}" };
        var hook = new TransformerHook(enabled, abort);
        return kind switch
        {
            TransformerHookKind.Input => settings with { Input = hook },
            TransformerHookKind.Output => settings with { Output = hook },
            TransformerHookKind.Notify => settings with { Notify = hook },
            _ => settings with { Inject = hook },
        };
    }

    [Theory]
    [MemberData(nameof(Hooks))]
    public void Off_the_value_goes_on_untouched(TransformerHookKind kind)
    {
        var decision = TransformerStage.Apply(Settings(kind, "return null;", enabled: false), kind, Sample(kind), Context);

        decision.Dropped.Should().BeFalse();
        decision.Value!.Value.GetRawText().Should().Be(Sample(kind).GetRawText());
        decision.Note.Should().BeNull();
        decision.Storage.Should().Be(Context.Storage);
    }

    [Theory]
    [MemberData(nameof(Hooks))]
    public void A_change_goes_on_with_the_storage(TransformerHookKind kind)
    {
        var body = kind == TransformerHookKind.Output
            ? "value[0].text = 'Changed'; context.storage.seen++; return value;"
            : "value.text = 'Changed'; context.storage.seen++; return value;";

        var decision = TransformerStage.Apply(Settings(kind, body), kind, Sample(kind), Context);

        decision.Value!.Value.GetRawText().Should().Contain("\"text\":\"Changed\"");
        decision.Storage.Should().Be("""{"seen":2}""");
        decision.Note.Should().Be($"The {TransformerRunner.FunctionName(kind)} transformer ran.");
    }

    [Theory]
    [MemberData(nameof(Hooks))]
    public void A_falsy_return_drops_and_says_so(TransformerHookKind kind)
    {
        var decision = TransformerStage.Apply(Settings(kind, "context.storage.seen++; return false;"), kind, Sample(kind), Context);

        decision.Dropped.Should().BeTrue();
        decision.Storage.Should().Be("""{"seen":2}""");
        decision.Note.Should().Be($"Dropped by the {TransformerRunner.FunctionName(kind)} transformer (it returned a falsy value).");
    }

    [Theory]
    [MemberData(nameof(Hooks))]
    public void A_throw_with_abort_on_error_drops(TransformerHookKind kind)
    {
        var decision = TransformerStage.Apply(Settings(kind, "context.storage.seen++; throw new TypeError('bad');", abort: true), kind, Sample(kind), Context);

        decision.Dropped.Should().BeTrue();
        decision.Storage.Should().Be(Context.Storage, "a failed call changes no storage");
        decision.Note.Should().StartWith($"Dropped: the {TransformerRunner.FunctionName(kind)} transformer failed and aborts on error: {TransformerRunner.FunctionName(kind)} threw TypeError: bad");
    }

    [Theory]
    [MemberData(nameof(Hooks))]
    public void A_throw_without_abort_on_error_lets_the_value_through_unchanged(TransformerHookKind kind)
    {
        var decision = TransformerStage.Apply(Settings(kind, "throw new TypeError('bad');"), kind, Sample(kind), Context);

        decision.Dropped.Should().BeFalse();
        decision.Value!.Value.GetRawText().Should().Be(Sample(kind).GetRawText());
        decision.Note.Should().Contain("threw TypeError: bad").And.EndWith("the message goes on unchanged.");
    }

    [Theory]
    [InlineData(TransformerHookKind.Input, "return 'text';", "handleInput must return an object or a falsy value (got a string)")]
    [InlineData(TransformerHookKind.Output, "return {type: 'text', text: 'x'};", "handleOutput must return a non-empty array of LINE message objects or a falsy value (got an object)")]
    [InlineData(TransformerHookKind.Output, "return [];", "got an empty array")]
    public void A_value_of_the_wrong_shape_is_a_failure(TransformerHookKind kind, string body, string error)
    {
        var decision = TransformerStage.Apply(Settings(kind, body, abort: true), kind, Sample(kind), Context);

        decision.Dropped.Should().BeTrue();
        decision.Note.Should().Contain(error);
    }
}
