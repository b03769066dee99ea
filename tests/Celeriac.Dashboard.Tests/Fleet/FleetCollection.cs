namespace Celeriac.Dashboard.Tests.Fleet;

/// <summary>The fleet tests share one cluster (a Redis, a worker, a Kestrel): starting it is most of their time.</summary>
[CollectionDefinition(Name)]
public sealed class FleetCollection : ICollectionFixture<FleetCluster>
{
    public const string Name = "fleet";
}
