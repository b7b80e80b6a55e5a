using LineConnector.Core.Channels;
using LineConnector.Functions.Channels;
using Microsoft.Extensions.Configuration;

namespace LineConnector.Tests.Channels;

public class ConfiguredChannelAccessTokensTests
{
    private static readonly IConfiguration Configuration = new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Channels:demo:ChannelAccessToken"] = "configured-token",
            ["Channels:empty:ChannelAccessToken"] = "",
            ["Channels:secretonly:ChannelSecret"] = "s",
        })
        .Build();

    [Fact]
    public async Task The_configured_token_is_returned()
    {
        (await new ConfiguredChannelAccessTokens(Configuration).GetTokenAsync("demo", default)).Should().Be("configured-token");
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("secretonly")]
    [InlineData("unknown")]
    [InlineData("../demo")]
    public async Task A_channel_without_a_token_names_the_setting_to_set(string channelId)
    {
        var read = async () => await new ConfiguredChannelAccessTokens(Configuration).GetTokenAsync(channelId, default);

        var error = (await read.Should().ThrowAsync<ChannelAccessTokenMissingException>()).Which;
        error.ChannelId.Should().Be(channelId);
        error.Message.Should().Contain($"Channels__{channelId}__ChannelAccessToken");
    }
}
