using Celeriac.Compliance;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Tests.Transport.Support;
using Celeriac.Transport;

namespace Celeriac.Redis.Tests.Transport;

/// <summary>
/// The Redis transport against the transport suite, on a real redis-server. Each test gets its own
/// <c>global_keyprefix</c>, so tests of the class share one server without seeing each other.
/// Single-queue consumers take the <c>RPOP key count</c> path of the receive script, several
/// queues the round-robin one.
/// </summary>
public sealed class RedisTransportComplianceTests(RedisServerFixture redis) : TransportComplianceTests, IClassFixture<RedisServerFixture>
{
    private readonly string _prefix = TestTransports.NewPrefix();

    /// <inheritdoc />
    private protected override ValueTask<ITransport> CreateTransportAsync() =>
        ValueTask.FromResult<ITransport>(TestTransports.Create(redis.Server, _prefix));
}

/// <summary>
/// The suite with <c>ack_emulation=false</c>: no <c>unacked</c> bookkeeping, so settling and
/// closing work from what the consumer holds in memory alone.
/// </summary>
public sealed class RedisNoAckEmulationComplianceTests(RedisServerFixture redis) : TransportComplianceTests, IClassFixture<RedisServerFixture>
{
    private readonly string _prefix = TestTransports.NewPrefix();

    /// <inheritdoc />
    private protected override ValueTask<ITransport> CreateTransportAsync() =>
        ValueTask.FromResult<ITransport>(TestTransports.Create(redis.Server, _prefix, ("ack_emulation", "false")));
}
