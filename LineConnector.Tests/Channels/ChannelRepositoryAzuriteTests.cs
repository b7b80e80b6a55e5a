using LineConnector.Core;
using LineConnector.Core.Channels;
using LineConnector.Core.Storage;
using LineConnector.Functions.TableStorage;
using LineConnector.Tests.Storage;

namespace LineConnector.Tests.Channels;

/// <summary>The channel entities through Azure.Data.Tables against a real Azurite (started by <c>scripts/test.sh</c>).</summary>
public class ChannelRepositoryAzuriteTests
{
    private readonly AzureTableStore _store = AzuriteTableStoreTests.CreateStore();
    private readonly ChannelRepository _repository;
    private readonly string _id = "c" + Guid.NewGuid().ToString("N")[..12];

    public ChannelRepositoryAzuriteTests()
    {
        _repository = new ChannelRepository(_store);
    }

    [Fact]
    public async Task A_channel_reads_back_as_it_was_written()
    {
        var channel = new Channel(_id, ChannelStatus.Active, ChannelSamples.Full(), "1657000000", "U" + _id);
        var etag = await _repository.CreateAsync(channel, default);

        var stored = await _repository.GetAsync(_id, default);

        stored!.ETag.Should().Be(etag);
        stored.Channel.Should().BeEquivalentTo(channel);
        var listed = (await _repository.ListAsync(default)).Channels.Single(c => c.Id == _id);
        listed.Name.Should().Be("ご案内 Support");
    }

    [Fact]
    public async Task A_hand_edit_as_a_string_is_read_and_a_wrong_one_is_named()
    {
        await _repository.CreateAsync(new Channel(_id, ChannelStatus.Active, ChannelSamples.Settings(), null, null), default);
        var row = (await _store.GetAsync(ChannelTables.Channels, ChannelTables.ChannelPartition, _id, default))!;
        var properties = new Dictionary<string, object?>(row.Properties) { ["MissedEnquiryTimeoutSeconds"] = "120", ["AwayMessageEnabled"] = "maybe" };
        await _store.ReplaceAsync(ChannelTables.Channels, row with { Properties = properties }, row.ETag!, default);

        var error = (await FluentActions.Awaiting(() => _repository.GetAsync(_id, default)).Should().ThrowAsync<ChannelConfigurationException>()).Which;

        error.Problems.Select(p => p.ToString()).Should().Equal($"table Channels, row '{_id}', property AwayMessageEnabled: must be true or false (got 'maybe')");
    }

    [Fact]
    public async Task A_stale_etag_is_refused()
    {
        var first = await _repository.CreateAsync(new Channel(_id, ChannelStatus.Active, ChannelSamples.Settings("a"), null, null), default);
        await _repository.UpdateSettingsAsync(_id, ChannelSamples.Settings("b"), first, c => c, default);

        var stale = () => _repository.UpdateSettingsAsync(_id, ChannelSamples.Settings("c"), first, c => c, default);

        (await stale.Should().ThrowAsync<DomainException>()).Which.Error.Should().Be(DomainError.PreconditionFailed);
    }

    [Fact]
    public async Task Of_concurrent_claims_on_one_key_exactly_one_wins()
    {
        var key = "U" + _id;
        var holders = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => _repository.TryClaimAsync(ChannelTables.BotUserPartition, key, $"{_id}-{i}", default)));

        holders.Count(h => h is null).Should().Be(1);
    }
}
