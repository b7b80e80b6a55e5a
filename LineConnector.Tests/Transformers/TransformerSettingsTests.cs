using LineConnector.Core;
using LineConnector.Core.Channels;
using LineConnector.Core.Storage;
using LineConnector.Tests.Channels;

namespace LineConnector.Tests.Transformers;

/// <summary>Transformer settings: checked when saved (size, parse, functions, limits), stored in the channel's row and read back.</summary>
public sealed class TransformerSettingsTests
{
    private const string Functions = "function handleInput(e) { return e; } function handleOutput(m) { return m; }";

    private static IReadOnlyList<FieldError> Errors(TransformerSettings transformers) =>
        ChannelValidation.Validate(ChannelSamples.Settings("desk") with { Transformers = transformers });

    [Fact]
    public void Defaults_are_off_with_safe_limits()
    {
        var settings = new TransformerSettings();

        settings.Code.Should().BeNull();
        Enum.GetValues<Core.Transformers.TransformerHookKind>().Should().OnlyContain(k => !settings[k].Enabled && !settings[k].AbortOnError);
        (settings.TimeoutMilliseconds, settings.MemoryLimitKilobytes, settings.MaxStatements, settings.MaxRecursionDepth).Should().Be((250, 8192, 100_000, 64));
        Errors(settings).Should().BeEmpty();
    }

    [Fact]
    public void Code_that_does_not_parse_or_lacks_a_function_switched_on_is_refused_when_saved()
    {
        Errors(new TransformerSettings { Code = "function handleInput(e) {", Input = new(true) })
            .Should().ContainSingle().Which.Should().Match<FieldError>(e => e.Field == "transformers.code" && e.Message.StartsWith("does not parse: ", StringComparison.Ordinal));
        Errors(new TransformerSettings { Code = "function handleInput(e) { return e; }", Output = new(true) })
            .Should().Equal(new FieldError("transformers.code", "handleOutput is switched on but the code defines no such function"));
        Errors(new TransformerSettings { Input = new(true) })
            .Should().Equal(new FieldError("transformers.code", "required while handleInput is switched on"));
        Errors(new TransformerSettings { Code = Functions, Input = new(true), Output = new(true, true) }).Should().BeEmpty();
    }

    [Fact]
    public void Code_over_64_KB_is_refused_naming_its_size()
    {
        var code = "// " + new string('x', TransformerSettings.MaxCodeBytes) + "\n" + Functions;

        Errors(new TransformerSettings { Code = code }).Should().Equal(new FieldError("transformers.code", $"at most 65,536 bytes as UTF-8 (got {code.Length:N0})"));
    }

    [Fact]
    public void Limits_out_of_range_are_refused_each_naming_its_range()
    {
        Errors(new TransformerSettings { TimeoutMilliseconds = 0, MemoryLimitKilobytes = 100_000, MaxStatements = 10, MaxRecursionDepth = 5_000 }).Should().Equal(
            new FieldError("transformers.timeoutMilliseconds", "10 to 5,000 (got 0)"),
            new FieldError("transformers.memoryLimitKilobytes", "256 to 65,536 (got 100,000)"),
            new FieldError("transformers.maxStatements", "100 to 10,000,000 (got 10)"),
            new FieldError("transformers.maxRecursionDepth", "1 to 1,000 (got 5,000)"));
    }

    [Fact]
    public async Task Settings_read_back_from_the_channel_row_with_code_longer_than_one_property_holds()
    {
        var store = new InMemoryTableStore();
        var repository = new ChannelRepository(store);
        // Over 32,768 characters (one String property), with a surrogate pair across the boundary.
        var code = "// " + new string('x', TableRules.MaxStringLength - 4) + "😀 more\n" + Functions;
        var transformers = new TransformerSettings
        {
            Code = code,
            Input = new(true, true),
            Output = new(true),
            TimeoutMilliseconds = 500,
            MemoryLimitKilobytes = 1024,
            MaxStatements = 2_000,
            MaxRecursionDepth = 10,
        };
        var channel = new Channel("acme", ChannelStatus.Active, ChannelSamples.Settings("desk") with { Transformers = transformers }, null, null);

        await repository.CreateAsync(channel, default);
        var row = await store.GetAsync(ChannelTables.Channels, ChannelTables.ChannelPartition, "acme", default);

        row!.Properties[ChannelProperties.TransformerCode].Should().BeOfType<string>().Which.Length.Should().Be(TableRules.MaxStringLength - 1, "a surrogate pair is not split");
        row.Properties.Should().ContainKey("TransformerCode2").And.NotContainKey("TransformerCode3");
        row.Properties["TransformerInputAbortOnError"].Should().Be(true);
        (await repository.GetAsync("acme", default))!.Channel.Settings.Transformers.Should().BeEquivalentTo(transformers);

        // A shorter code replaces the longer one entirely.
        var shorter = channel.Settings with { Transformers = transformers with { Code = Functions } };
        var stored = await repository.GetAsync("acme", default);
        await repository.UpdateSettingsAsync("acme", shorter, stored!.ETag, c => c, default);
        (await repository.GetAsync("acme", default))!.Channel.Settings.Transformers.Code.Should().Be(Functions);
    }

    [Fact]
    public async Task A_bad_row_names_its_property()
    {
        var store = new InMemoryTableStore();
        var repository = new ChannelRepository(store);
        await repository.CreateAsync(new Channel("acme", ChannelStatus.Active, ChannelSamples.Settings("desk"), null, null), default);
        var row = (await store.GetAsync(ChannelTables.Channels, ChannelTables.ChannelPartition, "acme", default))!;
        var properties = new Dictionary<string, object?>(row.Properties!) { ["TransformerCode"] = "function handleOutput(", ["TransformerOutputEnabled"] = true };
        await store.UpsertAsync(ChannelTables.Channels, row with { Properties = properties!, ETag = null }, default);

        var read = () => repository.GetAsync("acme", default);

        (await read.Should().ThrowAsync<ChannelConfigurationException>()).Which.Message.Should().Contain("property TransformerCode: does not parse");
    }
}
