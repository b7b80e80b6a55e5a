using LineConnector.Core.Storage;
using LineConnector.Functions.TableStorage;

namespace LineConnector.Tests.Storage;

/// <summary>The contract against a real Azurite, which <c>scripts/test.sh</c> starts and names in <see cref="EndpointVariable"/>.</summary>
public sealed class AzuriteTableStoreTests : TableStoreContractTests
{
    public const string EndpointVariable = "LINECONNECTOR_TEST_AZURITE_TABLE_ENDPOINT";

    public AzuriteTableStoreTests()
    {
        Store = new TableStorageClient(ConnectionString(TableStorageConnectionString.DevelopmentAccountKey));
    }

    protected override ITableStore Store { get; }

    protected override string Secret => TableStorageConnectionString.DevelopmentAccountKey;

    /// <summary>A connection string to the test Azurite; fails, never skips, when it was not started.</summary>
    public static string ConnectionString(string accountKey)
    {
        var endpoint = Environment.GetEnvironmentVariable(EndpointVariable);
        if (string.IsNullOrEmpty(endpoint))
        {
            throw new InvalidOperationException(
                $"{EndpointVariable} is not set, so there is no Azurite to test against: run the tests with 'bash scripts/test.sh', which starts Azurite and sets it.");
        }

        return $"DefaultEndpointsProtocol=http;AccountName={TableStorageConnectionString.DevelopmentAccountName};AccountKey={accountKey};TableEndpoint={endpoint}";
    }

    [Fact]
    public async Task A_wrong_account_key_fails_403_without_revealing_either_key()
    {
        var wrongKey = Convert.ToBase64String(Enumerable.Range(0, 64).Select(i => (byte)(i * 7)).ToArray());
        var store = new TableStorageClient(ConnectionString(wrongKey));

        var failure = (await FluentActions.Awaiting(() => store.CreateTableIfNotExistsAsync(NewTableName(), CancellationToken.None))
            .Should().ThrowAsync<TableStoreException>()).Which;

        failure.Status.Should().Be(403);
        // Azure answers AuthenticationFailed to a bad signature, Azurite AuthorizationFailure.
        failure.ErrorCode.Should().BeOneOf(TableErrorCodes.AuthenticationFailed, TableErrorCodes.AuthorizationFailure);
        failure.Message.Should().Contain("check the account key");
        failure.ToString().Should().NotContain(wrongKey).And.NotContain(TableStorageConnectionString.DevelopmentAccountKey);
    }

    [Fact]
    public async Task Failures_are_worded_as_the_in_memory_store_words_them()
    {
        var memory = new InMemoryTableStore();
        var table = NewTableName();
        var none = CancellationToken.None;
        foreach (var store in new[] { Store, memory })
        {
            await store.CreateTableIfNotExistsAsync(table, none);
            var etag = await store.InsertAsync(table, Row("p", "r", ("V", 1)), none);
            await store.ReplaceAsync(table, Row("p", "r", ("V", 2)), etag, none);
        }

        async Task Compare(Func<ITableStore, Task> call)
        {
            var rest = await FailureOf(() => call(Store));
            var inMemory = await FailureOf(() => call(memory));
            (rest.Status, rest.ErrorCode, rest.Message).Should().Be((inMemory.Status, inMemory.ErrorCode, inMemory.Message));
        }

        await Compare(s => s.InsertAsync(table, Row("p", "r"), none));
        await Compare(s => s.ReplaceAsync(table, Row("p", "r"), "W/\"stale\"", none));
        await Compare(s => s.MergeAsync(table, Row("p", "missing"), "*", none));
        await Compare(s => s.DeleteAsync(table, "p", "missing", "*", none));
        await Compare(s => s.GetAsync("never" + table, "p", "r", none));
        await Compare(s => s.QueryPartitionAsync("never" + table, "p", none).ToListAsync().AsTask());
    }
}
