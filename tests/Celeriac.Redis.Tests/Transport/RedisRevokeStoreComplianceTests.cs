using Celeriac.Compliance;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Tests.Transport.Support;
using Celeriac.Revocation;

namespace Celeriac.Redis.Tests.Transport;

/// <summary>The Redis revoke store (<c>celeriac.revoked</c>, a sorted set by server time) against the suite; two transports per test share a key prefix.</summary>
public sealed class RedisRevokeStoreComplianceTests(RedisServerFixture redis) : RevokeStoreComplianceTests, IClassFixture<RedisServerFixture>
{
    private readonly string _prefix = TestTransports.NewPrefix();

    /// <inheritdoc />
    private protected override ValueTask<IRevokeStore> CreateStoreAsync() =>
        ValueTask.FromResult<IRevokeStore>(TestTransports.Create(redis.Server, _prefix));
}
