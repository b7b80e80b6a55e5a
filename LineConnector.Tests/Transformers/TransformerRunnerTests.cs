using System.Text.Json;
using LineConnector.Core.Channels;
using LineConnector.Core.Transformers;

namespace LineConnector.Tests.Transformers;

/// <summary>The sandbox on its own: each hook's outcomes, each limit, and what the code cannot reach.</summary>
public sealed class TransformerRunnerTests
{
    private static readonly JsonElement Event = Json("""{"type":"message","message":{"type":"text","id":"1","text":"My card is 4111 1111 1111 1111"},"source":{"type":"user","userId":"U1"}}""");
    private static readonly TransformerContext Context = new("shop", "enq-1", null);

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static TransformerSettings Settings(string code, bool abort = false, Action<TransformerSettings>? change = null)
    {
        var settings = new TransformerSettings
        {
            Code = code,
            Input = new TransformerHook(true, abort),
            Output = new TransformerHook(true, abort),
        };
        change?.Invoke(settings);
        return settings;
    }

    private static TransformerResult Input(string code, Action<TransformerSettings>? change = null) =>
        TransformerRunner.Run(Settings(code, change: change), TransformerHookKind.Input, Event, Context);

    [Fact]
    public void HandleInput_changes_the_event()
    {
        var result = Input("""
            function handleInput(event, context) {
              event.message.text = event.message.text.replace(/\b(?:\d[ -]?){12,15}(\d{4})\b/g, '**** **** **** $1');
              console.log('masked for', context.channelId, context.enquiryId);
              return event;
            }
            """);

        result.Outcome.Should().Be(TransformerOutcome.Returned, result.Error);
        result.Output!.Value.GetProperty("message").GetProperty("text").GetString().Should().Be("My card is **** **** **** 1111");
        result.Console.Should().Equal("log: masked for shop enq-1");
    }

    [Theory]
    [InlineData("null")]
    [InlineData("false")]
    [InlineData("0")]
    [InlineData("''")]
    [InlineData("undefined")]
    public void A_falsy_return_drops(string value)
    {
        var result = Input($"function handleInput(event) {{ return {value}; }}");

        result.Outcome.Should().Be(TransformerOutcome.Dropped);
        result.Output.Should().BeNull();
    }

    [Fact]
    public void An_async_function_is_awaited()
    {
        var result = Input("async function handleInput(event) { event.tagged = true; return event; }");

        result.Outcome.Should().Be(TransformerOutcome.Returned, result.Error);
        result.Output!.Value.GetProperty("tagged").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public void HandleOutput_turns_a_generic_quick_reply_list_into_LINEs_quickReply()
    {
        var settings = Settings(Docs.QuickReplyExample);
        var messages = Json("""[{"type":"text","text":"Which size?","quickReplies":["S","M","L"]}]""");

        var result = TransformerRunner.Run(settings, TransformerHookKind.Output, messages, Context);

        result.Outcome.Should().Be(TransformerOutcome.Returned, result.Error);
        result.Output!.Value.GetRawText().Should().Be("""[{"type":"text","text":"Which size?","quickReply":{"items":[{"type":"action","action":{"type":"message","label":"S","text":"S"}},{"type":"action","action":{"type":"message","label":"M","text":"M"}},{"type":"action","action":{"type":"message","label":"L","text":"L"}}]}}]""");
    }

    [Fact]
    public void The_card_masking_example_masks_card_numbers()
    {
        var result = TransformerRunner.Run(Settings(Docs.CardMaskingExample), TransformerHookKind.Input, Event, Context);

        result.Outcome.Should().Be(TransformerOutcome.Returned, result.Error);
        result.Output!.Value.GetProperty("message").GetProperty("text").GetString().Should().Be("My card is **** **** **** 1111");
    }

    [Fact]
    public void A_throw_is_a_failure_naming_the_error_and_line()
    {
        var result = Input("function handleInput(event) {\n  throw new Error('no way');\n}");

        result.Outcome.Should().Be(TransformerOutcome.Failed);
        result.Error.Should().Contain("handleInput threw Error: no way").And.Contain("line 2");
    }

    [Fact]
    public void Storage_is_given_changed_and_returned()
    {
        var result = TransformerRunner.Run(
            Settings("function handleInput(event, context) { context.storage.count = (context.storage.count || 0) + 1; return event; }"),
            TransformerHookKind.Input, Event, Context with { Storage = """{"count":41}""" });

        result.Storage.Should().Be("""{"count":42}""");
    }

    [Fact]
    public void Storage_over_16_KB_is_a_failure_and_the_storage_stays_as_it_was()
    {
        var result = TransformerRunner.Run(
            Settings("function handleInput(event, context) { context.storage.big = 'x'.repeat(17000); return event; }"),
            TransformerHookKind.Input, Event, Context with { Storage = """{"count":1}""" });

        result.Outcome.Should().Be(TransformerOutcome.Failed);
        result.Error.Should().StartWith("storage limit:").And.Contain("16,384");
        result.Storage.Should().Be("""{"count":1}""");
    }

    [Fact]
    public void The_time_limit_stops_an_endless_loop_and_is_named()
    {
        var started = DateTime.UtcNow;
        var result = Input("function handleInput(event) { while (true) { } }", s => { s.TimeoutMilliseconds = 100; s.MaxStatements = TransformerSettings.MaxMaxStatements; });

        result.Outcome.Should().Be(TransformerOutcome.Failed);
        result.Error.Should().StartWith("time limit: handleInput ran longer than 100 ms (transformers.timeoutMilliseconds)");
        (DateTime.UtcNow - started).Should().BeLessThan(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void The_statement_limit_is_named()
    {
        var result = Input("function handleInput(event) { let n = 0; for (let i = 0; i < 1e6; i++) { n++; } return event; }", s => s.MaxStatements = 1_000);

        result.Outcome.Should().Be(TransformerOutcome.Failed);
        result.Error.Should().StartWith("statement limit: handleInput ran more than 1,000 statements (transformers.maxStatements)");
    }

    [Fact]
    public void The_memory_limit_is_named()
    {
        var result = Input(
            "function handleInput(event) { const all = []; for (let i = 0; i < 1e7; i++) { all.push('item ' + i); } return event; }",
            s => { s.MemoryLimitKilobytes = 1_024; s.MaxStatements = TransformerSettings.MaxMaxStatements; s.TimeoutMilliseconds = TransformerSettings.MaxTimeoutMilliseconds; });

        result.Outcome.Should().Be(TransformerOutcome.Failed);
        result.Error.Should().StartWith("memory limit: handleInput allocated more than 1,024 KiB (transformers.memoryLimitKilobytes)");
    }

    [Fact]
    public void The_recursion_limit_is_named()
    {
        var result = Input("function deeper(n) { return deeper(n + 1); } function handleInput(event) { return deeper(0); }", s => s.MaxRecursionDepth = 20);

        result.Outcome.Should().Be(TransformerOutcome.Failed);
        result.Error.Should().StartWith("recursion limit: handleInput nested calls deeper than 20 (transformers.maxRecursionDepth)");
    }

    [Theory]
    [InlineData("System.IO.File.ReadAllText('/etc/passwd')", "System is not defined")]
    [InlineData("importNamespace('System.IO')", "importNamespace is not defined")]
    [InlineData("clrHelper.getType('System.IO.File')", "clrHelper is not defined")]
    [InlineData("console.log.constructor('return this')()", "handleInput threw")]
    [InlineData("eval('1 + 1')", "handleInput threw")]
    [InlineData("host.process", "host is not defined")]
    public void The_CLR_is_out_of_reach(string attempt, string error)
    {
        var result = Input($"function handleInput(event) {{ event.leak = {attempt}; return event; }}");

        result.Outcome.Should().Be(TransformerOutcome.Failed, "the attempt {0} must fail, got {1}", attempt, result.Output?.GetRawText());
        result.Error.Should().Contain(error);
    }

    [Theory]
    [InlineData("fetch('https://example.com/')", "fetch is not defined")]
    [InlineData("new XMLHttpRequest()", "XMLHttpRequest is not defined")]
    [InlineData("require('http')", "require is not defined")]
    [InlineData("setTimeout(() => {}, 10)", "setTimeout is not defined")]
    [InlineData("setInterval(() => {}, 10)", "setInterval is not defined")]
    [InlineData("new WebSocket('wss://example.com/')", "WebSocket is not defined")]
    public void The_network_timers_and_modules_are_out_of_reach(string attempt, string error)
    {
        var result = Input($"function handleInput(event) {{ event.leak = {attempt}; return event; }}");

        result.Outcome.Should().Be(TransformerOutcome.Failed);
        result.Error.Should().Contain(error);
    }

    [Fact]
    public void An_import_does_not_parse()
    {
        var settings = Settings("import fs from 'fs';\nfunction handleInput(event) { return event; }");

        TransformerRunner.Check(settings).Should().StartWith("does not parse:");
        TransformerRunner.Run(settings, TransformerHookKind.Input, Event, Context).Outcome.Should().Be(TransformerOutcome.Failed);
    }

    [Fact]
    public void Check_names_a_hook_switched_on_without_its_function_and_code_that_does_not_parse()
    {
        TransformerRunner.Check(Settings("function handleInput(event) { return event; }")).Should().Be("handleOutput is switched on but the code defines no such function");
        TransformerRunner.Check(Settings("function handleInput(event) { return event; ")).Should().StartWith("does not parse:").And.Contain("line 1");
        TransformerRunner.Check(Settings("function handleInput(e) { return e; } function handleOutput(m) { return m; }")).Should().BeNull();
        TransformerRunner.Check(Settings("while (true) {} function handleInput(e) { return e; } function handleOutput(m) { return m; }", change: s => s.MaxStatements = 1_000))
            .Should().StartWith("statement limit: the code's top level ran more than 1,000 statements");
    }

    [Fact]
    public void Console_lines_are_kept_with_their_level_and_capped()
    {
        var result = Input("function handleInput(event) { console.warn('careful', {a: 1}); for (let i = 0; i < 500; i++) console.log(i); return event; }");

        result.Console.Should().HaveCount(TransformerRunner.MaxConsoleLines);
        result.Console[0].Should().Be("warn: careful {\"a\":1}");
        result.Console[1].Should().Be("log: 0");
    }
}

/// <summary>The two worked examples of docs/configuration.md ("Transformer functions"), as the docs print them.</summary>
internal static class Docs
{
    private static readonly IReadOnlyList<string> Examples = Packaging.MarkdownDocs.All().Single(d => d.Name == "configuration.md").CodeBlocks()
        .Where(b => b.Language == "js").Select(b => string.Join('\n', b.Lines)).ToList();

    public static string QuickReplyExample => Examples.Single(e => e.Contains("function handleOutput", StringComparison.Ordinal));

    public static string CardMaskingExample => Examples.Single(e => e.Contains("function handleInput", StringComparison.Ordinal));
}
