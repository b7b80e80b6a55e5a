using LineConnector.Core.Storage;
using LineConnector.Functions.LocalMode;
using LineConnector.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace LineConnector.Tests.LocalMode;

/// <summary>Checkpoints beside the writer: the database file takes up what the write-ahead log holds, without the writer stopping for it.</summary>
public sealed class LocalStoreCheckpointsTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    private string StorePath => Path.Combine(_folder.Path, "local.db");

    [Fact]
    public async Task Commits_stay_in_the_log_until_a_checkpoint_beside_the_writer_copies_them_into_the_file()
    {
        using var database = LocalDatabase.Open(StorePath);
        var store = new SqliteTableStore(database, TimeProvider.System);
        await WriteRowsAsync(store, 200);
        var before = new FileInfo(StorePath).Length;

        var (logPages, copiedPages) = database.Checkpoint();

        // Below the writer's own threshold nothing had been copied: the rows were in the log only.
        logPages.Should().BeGreaterThan(50);
        copiedPages.Should().Be(logPages);
        new FileInfo(StorePath).Length.Should().BeGreaterThan(before + (50 * 4096));
        (await store.GetAsync("Checkpoints", "p", "r199", CancellationToken.None))!.Properties["Text"].Should().Be(Text(199));
    }

    [Fact]
    public async Task The_service_checkpoints_while_the_store_is_written_to()
    {
        using var database = LocalDatabase.Open(StorePath);
        var store = new SqliteTableStore(database, TimeProvider.System);
        using var service = new LocalStoreCheckpoints(database, TimeProvider.System, NullLogger<LocalStoreCheckpoints>.Instance);
        await WriteRowsAsync(store, 1);
        var before = new FileInfo(StorePath).Length;
        await service.StartAsync(CancellationToken.None);

        await WriteRowsAsync(store, 200);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (new FileInfo(StorePath).Length <= before + (50 * 4096) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        await service.StopAsync(CancellationToken.None);
        new FileInfo(StorePath).Length.Should().BeGreaterThan(before + (50 * 4096), "the service copies the log into the file without being asked");
    }

    [Fact]
    public void A_memory_store_has_no_log_to_checkpoint()
    {
        using var database = LocalDatabase.Open(LocalStoreOptions.InMemory);

        database.Checkpoint().Should().Be((0L, 0L));
    }

    public void Dispose() => _folder.Dispose();

    private static async Task WriteRowsAsync(SqliteTableStore store, int count)
    {
        await store.CreateTableIfNotExistsAsync("Checkpoints", CancellationToken.None);
        for (var i = 0; i < count; i++)
        {
            await store.UpsertAsync("Checkpoints", new TableRow("p", $"r{i}", new Dictionary<string, object?> { ["Text"] = Text(i) }), CancellationToken.None);
        }
    }

    private static string Text(int i) => $"{i}:" + new string('x', 1500);
}
