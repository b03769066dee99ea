using Celeriac.Interop.Tests.Support;

namespace Celeriac.Interop.Tests;

/// <summary>Python Celery's CLI against a Celeriac worker and a Python worker on real Redis (the tests are in <see cref="ControlCliTests"/>).</summary>
public sealed class ControlCliInteropTests(ControlCluster cluster) : ControlCliTests, IClassFixture<ControlCluster>
{
    private protected override CeleryCli Cli => cluster.Cli;

    private protected override CeleriacApp Client => cluster.Client;

    private protected override ControlWorkers Workers => cluster.Workers;

    private protected override Endpoints Endpoints => cluster.Endpoints;

    protected override string Transport => "redis";
}
