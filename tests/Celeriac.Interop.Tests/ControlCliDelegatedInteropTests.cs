using Celeriac.Interop.Tests.Support;

namespace Celeriac.Interop.Tests;

/// <summary>The delegated control commands from Python's CLI on real Redis (the tests are in <see cref="ControlCliDelegatedTests"/>).</summary>
public sealed class ControlCliDelegatedInteropTests(ControlCluster cluster) : ControlCliDelegatedTests, IClassFixture<ControlCluster>
{
    private protected override CeleryCli Cli => cluster.Cli;

    private protected override CeleriacApp Client => cluster.Client;

    private protected override ControlWorkers Workers => cluster.Workers;
}
