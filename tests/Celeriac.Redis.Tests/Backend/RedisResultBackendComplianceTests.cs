using Celeriac.Backends;
using Celeriac.Compliance;
using Celeriac.Redis.Tests.Backend.Support;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Redis.Tests.Backend;

/// <summary>The Redis backend against the backend suite: db 1, default expiry, no prefix (a server per class).</summary>
public sealed class RedisResultBackendComplianceTests(RedisServerFixture redis) : ResultBackendComplianceTests, IClassFixture<RedisServerFixture>
{
    private protected override ValueTask<IResultBackend> CreateBackendAsync() =>
        ValueTask.FromResult<IResultBackend>(TestBackends.Create(redis.Server));
}

/// <summary>The suite again with <c>global_keyprefix</c> and no expiry (plain SET instead of SETEX).</summary>
public sealed class RedisPrefixedResultBackendComplianceTests(RedisServerFixture redis) : ResultBackendComplianceTests, IClassFixture<RedisServerFixture>
{
    private protected override ValueTask<IResultBackend> CreateBackendAsync() =>
        ValueTask.FromResult<IResultBackend>(TestBackends.Create(redis.Server, database: 2, prefix: "P", expires: null, useDefaultExpiry: false));
}
