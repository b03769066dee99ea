using Celeriac.Compliance;
using Celeriac.Redis.Backend;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Transport;
using Celeriac.Transport;

namespace Celeriac.Redis.Tests.Worker;

/// <summary>
/// The worker suite on a real redis-server: broker in db 0, results and the native chord join in
/// db 1, so the canvas tests join chords through Celery's Redis keys (docs/protocol.md §4.8). Tests keep
/// apart by queue name and fresh ids.
/// </summary>
public sealed class RedisWorkerComplianceTests(RedisServerFixture redis) : WorkerComplianceTests, IClassFixture<RedisServerFixture>
{
    /// <inheritdoc />
    protected override string BrokerUrl => redis.Server.Url(0);

    /// <inheritdoc />
    protected override string ResultBackendUrl => redis.Server.Url(1);

    /// <inheritdoc />
    private protected override void ConfigureProviders(ProviderRegistry providers)
    {
        providers.AddTransport("redis", context => new RedisTransport(context));
        providers.AddResultBackend("redis", RedisResultBackend.Create);
    }
}
