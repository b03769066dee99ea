using Celeriac.Interop.Tests.Support;

namespace Celeriac.Interop.Tests;

/// <summary>The delegated control commands (revoke, rate_limit, enable_events, …) from Python's CLI on real RabbitMQ (the tests are in <see cref="ControlCliDelegatedTests"/>).</summary>
public sealed class AmqpControlCliDelegatedInteropTests(AmqpControlCluster cluster) : ControlCliDelegatedTests, IClassFixture<AmqpControlCluster>
{
    private protected override CeleryCli Cli => cluster.Cli;

    private protected override CeleriacApp Client => cluster.Client;

    private protected override ControlWorkers Workers => cluster.Workers;
}
