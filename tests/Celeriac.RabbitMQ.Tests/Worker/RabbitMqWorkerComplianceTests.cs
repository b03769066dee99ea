using Celeriac.Compliance;
using Celeriac.RabbitMQ.Tests.Infrastructure;
using Celeriac.RabbitMQ.Transport;
using Celeriac.Redis.Backend;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Transport;

namespace Celeriac.RabbitMQ.Tests.Worker;

/// <summary>
/// The worker suite with RabbitMQ as the broker and Redis as the result backend (the usual
/// production pair), so the canvas tests join chords through Celery's Redis keys.
/// </summary>
public sealed class RabbitMqWorkerComplianceTests(RabbitMqFixture rabbit, RedisServerFixture redis)
    : WorkerComplianceTests, IClassFixture<RabbitMqFixture>, IClassFixture<RedisServerFixture>
{
    /// <inheritdoc />
    protected override string BrokerUrl => rabbit.Url;

    /// <inheritdoc />
    protected override string ResultBackendUrl => redis.Server.Url(1);

    /// <inheritdoc />
    private protected override void ConfigureProviders(ProviderRegistry providers)
    {
        providers.AddTransport("amqp", context => new RabbitMqTransport(context));
        providers.AddResultBackend("redis", RedisResultBackend.Create);
    }
}
