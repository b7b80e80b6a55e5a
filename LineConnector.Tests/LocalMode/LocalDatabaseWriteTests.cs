using LineConnector.Functions.LocalMode;
using LineConnector.Tests.Support;

namespace LineConnector.Tests.LocalMode;

/// <summary>Writes committed together: each is its own transaction to its caller, also when one of them throws.</summary>
public sealed class LocalDatabaseWriteTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    [Fact]
    public async Task A_write_that_throws_is_rolled_back_alone_and_the_others_of_its_batch_commit()
    {
        using var database = LocalDatabase.Open(Path.Combine(_folder.Path, "local.db"));
        using var release = new ManualResetEventSlim();

        // The writer waits in the first write while the next ones queue up, so that they are committed together.
        var first = HeldWrite(database, release, "first");
        var batch = Enumerable.Range(1, 5).Select(i => database.WriteAsync(c =>
        {
            Insert(c, $"w{i}");
            return i == 3 ? throw new InvalidOperationException("write 3 refuses") : i;
        }, CancellationToken.None)).ToList();
        release.Set();

        (await first).Should().Be(1);
        (await Task.WhenAll(batch.Where((_, i) => i != 2))).Should().Equal(1, 2, 4, 5);
        (await FluentActions.Awaiting(() => batch[2]).Should().ThrowAsync<InvalidOperationException>()).WithMessage("write 3 refuses");
        var names = await database.ReadAsync(c =>
        {
            using var reader = c.Command("SELECT name FROM store_meta WHERE name <> 'openings' ORDER BY name").ExecuteReader();
            var found = new List<string>();
            while (reader.Read())
            {
                found.Add(reader.GetString(0));
            }

            return found;
        }, CancellationToken.None);
        names.Should().Equal("first", "w1", "w2", "w4", "w5");
    }

    [Fact]
    public async Task A_lone_write_that_throws_leaves_nothing_behind()
    {
        using var database = LocalDatabase.Open(Path.Combine(_folder.Path, "local.db"));

        await FluentActions.Awaiting(() => database.WriteAsync<int>(c =>
        {
            Insert(c, "lone");
            throw new InvalidOperationException("refused");
        }, CancellationToken.None)).Should().ThrowAsync<InvalidOperationException>();

        (await database.ReadAsync(c => c.Command("SELECT count(*) FROM store_meta WHERE name = 'lone'").ScalarInt64(), CancellationToken.None)).Should().Be(0);
    }

    [Fact]
    public async Task A_look_up_sees_every_write_queued_before_it_and_completes_only_after_their_commit()
    {
        using var database = LocalDatabase.Open(Path.Combine(_folder.Path, "local.db"));
        using var release = new ManualResetEventSlim();

        // The writer is held in the write; the look-up, asked meanwhile, waits behind it on the writer's connection.
        var write = HeldWrite(database, release, "queued");
        var lookUp = database.LookUpAsync(c => c.Command("SELECT count(*) FROM store_meta WHERE name = 'queued'").ScalarInt64(), CancellationToken.None);
        var beside = await database.ReadAsync(c => c.Command("SELECT count(*) FROM store_meta WHERE name = 'queued'").ScalarInt64(), CancellationToken.None);
        lookUp.IsCompleted.Should().BeFalse("the writer is still in the write before it");
        release.Set();

        beside.Should().Be(0, "a read beside the writer sees the last commit only");
        (await lookUp).Should().Be(1);
        write.IsCompletedSuccessfully.Should().BeTrue();
    }

    public void Dispose() => _folder.Dispose();

    /// <summary>A write that holds the writer until <paramref name="release"/> is set (at most 10 s), then inserts <paramref name="name"/>.</summary>
    private static Task<int> HeldWrite(LocalDatabase database, ManualResetEventSlim release, string name) =>
        database.WriteAsync(c =>
        {
            release.Wait(TimeSpan.FromSeconds(10));
            return Insert(c, name);
        }, CancellationToken.None);

    private static int Insert(StoreConnection connection, string name) =>
        connection.Command("INSERT INTO store_meta (name, value) VALUES ($name, 1)").With("$name", name).Execute();
}
