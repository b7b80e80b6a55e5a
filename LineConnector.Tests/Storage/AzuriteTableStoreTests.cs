using Azure.Data.Tables;
using LineConnector.Core.Storage;
using LineConnector.Functions.TableStorage;
using Microsoft.Extensions.Configuration;

namespace LineConnector.Tests.Storage;

/// <summary>
/// The contract against a real Azurite through Azure.Data.Tables; <c>scripts/test.sh</c> starts
/// Azurite and names its table endpoint in <see cref="EndpointVariable"/>.
/// </summary>
public sealed class AzuriteTableStoreTests : TableStoreContractTests
{
    public const string EndpointVariable = "LINECONNECTOR_TEST_AZURITE_TABLE_ENDPOINT";

    /// <summary>Azurite's well-known development account (public, documented for the storage emulators).</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    protected override ITableStore Store { get; } = CreateStore();

    protected override string Secret => DevelopmentAccountKey;

    /// <summary>A store on the test Azurite, built as the app builds it from its <c>TableStorage</c> setting.</summary>
    public static AzureTableStore CreateStore(string accountKey = DevelopmentAccountKey) =>
        TableStorageSettings.CreateStore(new ConfigurationBuilder()
            .AddInMemoryCollection([KeyValuePair.Create(TableStorageSettings.Section, (string?)ConnectionString(accountKey))])
            .Build());

    /// <summary>A connection string to the test Azurite; fails, never skips, when it was not started.</summary>
    public static string ConnectionString(string accountKey)
    {
        var endpoint = Environment.GetEnvironmentVariable(EndpointVariable);
        if (string.IsNullOrEmpty(endpoint))
        {
            throw new InvalidOperationException(
                $"{EndpointVariable} is not set, so there is no Azurite to test against: run the tests with 'bash scripts/test.sh', which starts Azurite and sets it.");
        }

        return $"DefaultEndpointsProtocol=http;AccountName={DevelopmentAccountName};AccountKey={accountKey};TableEndpoint={endpoint}";
    }

    [Fact]
    public async Task A_wrong_account_key_fails_403_without_revealing_either_key()
    {
        var wrongKey = Convert.ToBase64String(Enumerable.Range(0, 64).Select(i => (byte)(i * 7)).ToArray());
        var store = CreateStore(wrongKey);

        var failure = (await FluentActions.Awaiting(() => store.CreateTableIfNotExistsAsync(NewTableName(), CancellationToken.None))
            .Should().ThrowAsync<TableStoreException>()).Which;

        failure.Status.Should().Be(403);
        // Azure answers AuthenticationFailed to a bad signature, Azurite AuthorizationFailure.
        failure.ErrorCode.Should().BeOneOf(TableErrorCodes.AuthenticationFailed, TableErrorCodes.AuthorizationFailure);
        failure.Message.Should().Contain("check the account key");
        failure.ToString().Should().NotContain(wrongKey).And.NotContain(DevelopmentAccountKey);
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
            var azure = await FailureOf(() => call(Store));
            var inMemory = await FailureOf(() => call(memory));
            (azure.Status, azure.ErrorCode, azure.OperationIndex, azure.Message)
                .Should().Be((inMemory.Status, inMemory.ErrorCode, inMemory.OperationIndex, inMemory.Message));
        }

        await Compare(s => s.InsertAsync(table, Row("p", "r"), none));
        await Compare(s => s.ReplaceAsync(table, Row("p", "r"), "W/\"stale\"", none));
        await Compare(s => s.MergeAsync(table, Row("p", "missing"), "*", none));
        await Compare(s => s.DeleteAsync(table, "p", "missing", "*", none));
        await Compare(s => s.GetAsync("never" + table, "p", "r", none));
        await Compare(s => s.QueryPartitionAsync("never" + table, "p", none).ToListAsync().AsTask());
        await Compare(s => s.SubmitTransactionAsync(table, "p", [TableOperation.Upsert(Row("p", "a")), TableOperation.Insert(Row("p", "r"))], none));
        await Compare(s => s.SubmitTransactionAsync(table, "p", [TableOperation.Replace(Row("p", "r"), "W/\"stale\"")], none));
        await Compare(s => s.SubmitTransactionAsync(table, "p", [TableOperation.Upsert(Row("p", "a")), TableOperation.Delete("p", "missing", "*")], none));
    }
}
