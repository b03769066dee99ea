namespace Celeriac.Samples.Tests.Deploy;

/// <summary>
/// The deploy tests that start Celeriac (the sample hosts, the KEDA send) run alone, after the parallel
/// ones: their spans and instruments go to the process-wide "Celeriac" source and meter, which the WebShop
/// tests' exporters count.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DeployHostsCollection
{
    public const string Name = "Deploy hosts";
}
