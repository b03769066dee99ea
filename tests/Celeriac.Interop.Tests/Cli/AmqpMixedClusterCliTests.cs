using Celeriac.Interop.Tests.Support;

namespace Celeriac.Interop.Tests.Cli;

/// <summary>The celeriac command line against a Python and a Celeriac worker on real RabbitMQ, results in Redis (the tests are in <see cref="MixedClusterCliTests"/>).</summary>
public sealed class AmqpMixedClusterCliTests(AmqpControlCluster cluster) : MixedClusterCliTests, IClassFixture<AmqpControlCluster>
{
    private protected override InteropCluster Cluster => cluster;

    private protected override ControlWorkers Workers => cluster.Workers;

    private protected override CeleryCli CeleryCli => cluster.Cli;

    protected override string Transport => "amqp";

    private protected override bool PriorityQueues => true;
}
