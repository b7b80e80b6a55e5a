using LineConnector.Core.Channels;
using LineConnector.Core.Storage;
using LineConnector.Tests.Channels;

namespace LineConnector.Tests.Chat;

public class LineExtrasSettingsTests
{
    [Theory]
    [InlineData(5, true)]
    [InlineData(20, true)]
    [InlineData(60, true)]
    [InlineData(0, false)]
    [InlineData(12, false)]
    [InlineData(65, false)]
    public void The_loading_animation_lasts_5_to_60_seconds_in_steps_of_5(int seconds, bool valid)
    {
        var settings = ChannelSamples.Settings() with { LineExtras = new LineExtrasSettings { LoadingAnimationEnabled = true, LoadingAnimationSeconds = seconds } };

        var errors = ChannelValidation.Validate(settings).Select(e => e.ToString());

        if (valid)
        {
            errors.Should().BeEmpty();
        }
        else
        {
            errors.Should().Equal($"lineExtras.loadingAnimationSeconds: 5 to 60, a multiple of 5 (got {seconds})");
        }
    }

    [Fact]
    public async Task The_switches_are_stored_on_the_channel_row_and_read_back_with_their_defaults()
    {
        var store = new InMemoryTableStore();
        var repository = new ChannelRepository(store);
        var extras = new LineExtrasSettings { ReadReceiptsEnabled = true, LoadingAnimationEnabled = true, LoadingAnimationSeconds = 45 };
        await repository.CreateAsync(new Channel("extras", ChannelStatus.Active, ChannelSamples.Settings() with { LineExtras = extras }, null, null), default);

        (await repository.GetAsync("extras", default))!.Channel.Settings.LineExtras.Should().Be(extras);
        var row = await store.GetAsync(ChannelTables.Channels, ChannelTables.ChannelPartition, "extras", default);
        row!.Properties.Should().Contain(ChannelProperties.ReadReceiptsEnabled, true).And.Contain(ChannelProperties.LoadingAnimationSeconds, 45);

        // An operator's row without the properties: both off, 20 seconds.
        var bare = row with { Properties = row.Properties.Where(p => !p.Key.StartsWith("ReadReceipts", StringComparison.Ordinal) && !p.Key.StartsWith("LoadingAnimation", StringComparison.Ordinal)).ToDictionary() };
        await store.UpsertAsync(ChannelTables.Channels, bare, default);
        (await repository.GetAsync("extras", default))!.Channel.Settings.LineExtras.Should().Be(new LineExtrasSettings());
    }

    [Fact]
    public async Task A_loading_time_LINE_would_refuse_is_reported_with_its_row_and_property()
    {
        var store = new InMemoryTableStore();
        var repository = new ChannelRepository(store);
        await repository.CreateAsync(new Channel("extras", ChannelStatus.Active, ChannelSamples.Settings(), null, null), default);
        var row = await store.GetAsync(ChannelTables.Channels, ChannelTables.ChannelPartition, "extras", default);
        await store.UpsertAsync(ChannelTables.Channels, row! with { Properties = new Dictionary<string, object?>(row.Properties) { [ChannelProperties.LoadingAnimationSeconds] = "7" } }, default);

        var read = async () => await repository.GetAsync("extras", default);

        (await read.Should().ThrowAsync<ChannelConfigurationException>()).Which.Message.Should()
            .Contain("table Channels, row 'extras', property LoadingAnimationSeconds: 5 to 60, a multiple of 5 (got 7)");
    }
}
