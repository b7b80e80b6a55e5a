using LineConnector.Core.Channels;
using LineConnector.Core.Storage;
using LineConnector.Functions.Channels;
using LineConnector.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace LineConnector.Tests.Channels;

public class StoredWebhookChannelsTests
{
    private readonly TestClock _clock = new();
    private readonly InMemoryTableStore _store = new();
    private readonly ChannelRepository _repository;
    private readonly StoredWebhookChannels _channels;

    public StoredWebhookChannelsTests()
    {
        _repository = new ChannelRepository(_store);
        var secrets = new ConfiguredChannelSecrets(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Channels:acme:ChannelSecret"] = "acme-secret" })
            .Build());
        _channels = new StoredWebhookChannels(secrets, new ChannelCache(_repository, _clock), new SecretRefreshLimit(new SecretRefreshOptions(), _clock), _clock);
    }

    private async Task CreateAsync() =>
        await _repository.CreateAsync(new Channel("acme", ChannelStatus.Active, ChannelSamples.Settings(), null, "Ubot"), default);

    private Task DeleteRowAsync() => _store.DeleteAsync(ChannelTables.Channels, ChannelTables.ChannelPartition, "acme", "*", default);

    [Fact]
    public async Task A_known_channel_is_read_from_the_store_once_per_cache_period()
    {
        await CreateAsync();
        (await _channels.FindAsync("acme", refreshSecrets: false, default)).Should().NotBeNull();

        await DeleteRowAsync();
        _clock.Advance(ChannelCache.Duration - TimeSpan.FromSeconds(1));
        (await _channels.FindAsync("acme", refreshSecrets: false, default))!.BotUserId.Should().Be("Ubot", "the row is still cached");

        _clock.Advance(TimeSpan.FromSeconds(1));
        (await _channels.FindAsync("acme", refreshSecrets: false, default)).Should().BeNull("the cache period is over");
    }

    [Fact]
    public async Task A_lookup_that_refreshes_secrets_reads_the_row_again()
    {
        await CreateAsync();
        (await _channels.FindAsync("acme", refreshSecrets: false, default)).Should().NotBeNull();

        await DeleteRowAsync();

        (await _channels.FindAsync("acme", refreshSecrets: true, default)).Should().BeNull();
    }

    [Fact]
    public async Task An_unknown_channel_is_not_cached_so_a_new_channel_answers_at_once()
    {
        (await _channels.FindAsync("acme", refreshSecrets: false, default)).Should().BeNull();

        await CreateAsync();

        (await _channels.FindAsync("acme", refreshSecrets: false, default)).Should().NotBeNull();
    }
}
