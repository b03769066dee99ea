using Celeriac.Memory;
using Celeriac.Revocation;

namespace Celeriac.Compliance;

/// <summary>The <c>memory://</c> transport's revoke store against the suite; each test class instance gets its own broker.</summary>
public sealed class InMemoryRevokeStoreComplianceTests : RevokeStoreComplianceTests
{
    private readonly InMemoryBroker _broker = InMemoryBroker.Named(Guid.NewGuid().ToString("N"));

    /// <inheritdoc />
    private protected override ValueTask<IRevokeStore> CreateStoreAsync() => ValueTask.FromResult<IRevokeStore>(_broker.CreateTransport());
}
