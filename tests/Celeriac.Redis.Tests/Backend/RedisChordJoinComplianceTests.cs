using Celeriac.Backends;
using Celeriac.Compliance;
using Celeriac.Redis.Tests.Backend.Support;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Redis.Tests.Backend;

/// <summary>
/// The Redis chord join (sorted set, the default) against the join suite. The list variant
/// (<c>result_chord_ordered=False</c>) keeps arrival order by design, so it is tested on its own.
/// </summary>
public sealed class RedisChordJoinComplianceTests(RedisServerFixture redis) : ChordJoinComplianceTests, IClassFixture<RedisServerFixture>
{
    private protected override ValueTask<IResultBackend> CreateBackendAsync() =>
        ValueTask.FromResult<IResultBackend>(TestBackends.Create(redis.Server));
}
