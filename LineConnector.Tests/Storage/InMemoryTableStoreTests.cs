using LineConnector.Core.Storage;

namespace LineConnector.Tests.Storage;

public sealed class InMemoryTableStoreTests : TableStoreContractTests
{
    protected override ITableStore Store { get; } = new InMemoryTableStore();
}
