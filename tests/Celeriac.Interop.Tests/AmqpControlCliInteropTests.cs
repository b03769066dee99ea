using Celeriac.Interop.Tests.Support;

namespace Celeriac.Interop.Tests;

/// <summary>Python Celery's CLI against a Celeriac worker and a Python worker on real RabbitMQ: requests on the fanout <c>celery.pidbox</c>, replies through <c>reply.celery.pidbox</c> (docs/protocol.md §3.7); the tests are in <see cref="ControlCliTests"/>.</summary>
public sealed class AmqpControlCliInteropTests(AmqpControlCluster cluster) : ControlCliTests, IClassFixture<AmqpControlCluster>
{
    private protected override CeleryCli Cli => cluster.Cli;

    private protected override CeleriacApp Client => cluster.Client;

    private protected override ControlWorkers Workers => cluster.Workers;

    private protected override Endpoints Endpoints => cluster.Endpoints;

    protected override string Transport => "amqp";
}
