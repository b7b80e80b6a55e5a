using LineConnector.Core.Enquiries;
using LineConnector.Core.Storage;
using LineConnector.Functions.LocalMode;
using LineConnector.Tests.Support;

namespace LineConnector.Tests.Storage;

/// <summary>The contract against local mode's SQLite store in a file of its own.</summary>
public sealed class SqliteFileTableStoreTests : TableStoreContractTests, IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly LocalDatabase _database;
    private readonly TestClock _clock = new();

    public SqliteFileTableStoreTests()
    {
        _database = LocalDatabase.Open(DatabasePath);
        Store = new SqliteTableStore(_database, _clock);
    }

    protected override ITableStore Store { get; }

    private string DatabasePath => Path.Combine(_folder.Path, "store", "local.db");

    [Fact]
    public async Task Rows_and_etags_outlive_the_store_and_new_etags_never_repeat_old_ones()
    {
        var table = await NewTableAsync();
        var first = await Store.InsertAsync(table, Row("p", "r", ("V", 1)), CancellationToken.None);
        var second = await Store.ReplaceAsync(table, Row("p", "r", ("V", 2)), first, CancellationToken.None);
        _database.Dispose();

        using var reopened = LocalDatabase.Open(DatabasePath);
        var store = new SqliteTableStore(reopened, _clock);
        var row = await store.GetAsync(table.ToUpperInvariant(), "p", "r", CancellationToken.None);

        row!.ETag.Should().Be(second);
        row.Properties["V"].Should().Be(2);
        var third = await store.ReplaceAsync(table, Row("p", "r", ("V", 3)), second, CancellationToken.None);
        third.Should().NotBe(first).And.NotBe(second);
        (await FailureOf(() => store.ReplaceAsync(table, Row("p", "r", ("V", 4)), first, CancellationToken.None))).Status.Should().Be(412);
    }

    [Fact]
    public async Task Rows_of_a_key_range_written_before_a_time_are_deleted_from_their_table_only()
    {
        var store = (SqliteTableStore)Store;
        var table = EnquiryTables.Conversations;
        await Store.CreateTableIfNotExistsAsync(table, CancellationToken.None);
        var other = await NewTableAsync();
        for (var i = 0; i < 7; i++)
        {
            await Store.InsertAsync(table, Row($"shop:{i:x2}", $"event:old{i}"), CancellationToken.None);
            await Store.InsertAsync(other, Row($"shop:{i:x2}", $"event:old{i}"), CancellationToken.None);
        }

        await Store.InsertAsync(table, Row("shop:00", "enquiry:old"), CancellationToken.None);
        await Store.InsertAsync(table, Row("shop:00", "eventual"), CancellationToken.None);
        _clock.Advance(TimeSpan.FromHours(2));
        await Store.InsertAsync(table, Row("shop:00", "event:new"), CancellationToken.None);

        var deleted = await store.DeleteWrittenBeforeAsync(table, EnquiryTables.EventRows, _clock.GetUtcNow() - TimeSpan.FromHours(1), CancellationToken.None);

        deleted.Should().Be(7);
        (await Store.QueryAsync(table, EnquiryTables.Channel("shop"), null, CancellationToken.None).Select(r => $"{r.PartitionKey}/{r.RowKey}").ToListAsync())
            .Should().Equal("shop:00/enquiry:old", "shop:00/event:new", "shop:00/eventual");
        (await Store.QueryAsync(other, EnquiryTables.Channel("shop"), null, CancellationToken.None).ToListAsync()).Should().HaveCount(7);
    }

    [Fact]
    public async Task A_file_of_schema_1_keeps_its_rows_and_etags_in_the_new_layout()
    {
        var table = await NewTableAsync();
        var etag = await Store.InsertAsync(table, Row("shop:00", "enquiry:a", ("State", "open")), CancellationToken.None);
        await Store.InsertAsync(table, Row("shop:00", "event:1", ("Outcome", "opened")), CancellationToken.None);
        // Schema 1 as that version wrote it: the rows in key order.
        _database.Write(c =>
        {
            foreach (var statement in new[]
            {
                "CREATE TABLE rows1 (table_name TEXT NOT NULL, partition_key TEXT NOT NULL, row_key TEXT NOT NULL, version INTEGER NOT NULL, written_at INTEGER NOT NULL, properties BLOB NOT NULL, PRIMARY KEY (table_name, partition_key, row_key)) WITHOUT ROWID",
                "INSERT INTO rows1 SELECT table_name, partition_key, row_key, version, written_at, properties FROM store_rows",
                "DROP TABLE store_rows",
                "ALTER TABLE rows1 RENAME TO store_rows",
                "PRAGMA user_version = 1",
            })
            {
                c.Command(statement).Execute();
            }

            return true;
        });
        _database.Dispose();

        using var reopened = LocalDatabase.Open(DatabasePath);
        var store = new SqliteTableStore(reopened, _clock);

        (await store.QueryAsync(table, TableKeyRange.Only("shop:00"), null, CancellationToken.None).Select(r => $"{r.RowKey} {r.ETag}").ToListAsync())
            .Should().HaveCount(2).And.Contain($"enquiry:a {etag}");
        (await store.GetAsync(table, "shop:00", "event:1", CancellationToken.None))!.Properties["Outcome"].Should().Be("opened");
        await store.ReplaceAsync(table, Row("shop:00", "enquiry:a", ("State", "closed")), etag, CancellationToken.None);
        (await FailureOf(() => store.InsertAsync(table, Row("shop:00", "event:1"), CancellationToken.None))).Status.Should().Be(409);
        var (version, layout, index) = reopened.Write(c => (
            c.Command("PRAGMA user_version").ScalarInt64(),
            (string)c.Command("SELECT sql FROM sqlite_schema WHERE name = 'store_rows'").ExecuteScalar()!,
            c.Command("SELECT count(*) FROM sqlite_schema WHERE name = 'store_rows_by_key'").ScalarInt64()));
        version.Should().Be(LocalDatabase.SchemaVersion);
        layout.Should().NotContain("WITHOUT ROWID");
        index.Should().Be(1);
    }

    [Fact]
    public void A_file_of_a_newer_schema_is_refused_saying_so()
    {
        _database.Write(c => c.Command("PRAGMA user_version = 99").Execute());
        _database.Dispose();

        FluentActions.Invoking(() => LocalDatabase.Open(DatabasePath)).Should().Throw<InvalidOperationException>()
            .WithMessage("*written by a newer version of the connector (schema 99*");
    }

    public void Dispose()
    {
        _database.Dispose();
        _folder.Dispose();
    }
}

/// <summary>The contract against local mode's SQLite store in memory (<c>LocalStore__Path=:memory:</c>).</summary>
public sealed class SqliteMemoryTableStoreTests : TableStoreContractTests, IDisposable
{
    private readonly LocalDatabase _database = LocalDatabase.Open(LocalStoreOptions.InMemory);

    public SqliteMemoryTableStoreTests()
    {
        Store = new SqliteTableStore(_database, TimeProvider.System);
    }

    protected override ITableStore Store { get; }

    public void Dispose() => _database.Dispose();
}
