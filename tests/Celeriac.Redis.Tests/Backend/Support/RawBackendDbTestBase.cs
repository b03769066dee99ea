using Celeriac.Redis.Client;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Redis.Tests.Backend.Support;

/// <summary>A raw client on the backend's database (1) of the class's redis-server, for tests that read what the backend wrote.</summary>
public abstract class RawBackendDbTestBase(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    protected static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    internal RedisClient Raw { get; private set; } = null!;

    protected RedisServerFixture Redis => redis;

    public Task InitializeAsync()
    {
        Raw = new RedisClient(redis.Server.Options(database: 1));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Raw.DisposeAsync();
}
