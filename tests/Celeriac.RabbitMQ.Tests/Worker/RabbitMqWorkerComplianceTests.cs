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
        providers.AddTransport("amqp", context =>
        {
            // The suite checks that a worker holds a far ETA (a day, a 10-minute retry) and gives it back
            // when it stops; RabbitMQ's default defers those into the delay topology instead
            // (tests/…/Delay/ConsumerTimeoutTests), so the suite runs with the deferral off.
            context.Options.BrokerTransportOptions.TryAdd("delayed_delivery", "false");
            return new RabbitMqTransport(context);
        });
        providers.AddResultBackend("redis", RedisResultBackend.Create);
    }
}
