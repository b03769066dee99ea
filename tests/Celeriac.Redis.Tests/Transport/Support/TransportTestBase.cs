using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Transport;

namespace Celeriac.Redis.Tests.Transport.Support;

/// <summary>
/// A transport with its own key prefix on the class's redis-server, plus a raw client to look at
/// what it wrote; for tests that check the layout at the Redis level.
/// </summary>
public abstract class TransportTestBase(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    protected string Prefix { get; } = TestTransports.NewPrefix();

    internal RedisTransport Transport { get; private set; } = null!;

    internal Client.RedisClient Raw { get; private set; } = null!;

    protected RedisServerFixture Redis => redis;

    public Task InitializeAsync()
    {
        Transport = TestTransports.Create(redis.Server, Prefix);
        Raw = TestTransports.Client(redis.Server);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await Transport.DisposeAsync();
        await Raw.DisposeAsync();
    }
}
