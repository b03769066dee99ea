namespace Celeriac.Redis.Tests.Transport.Support;

/// <summary>Tests that measure rates run with no other test class in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ThroughputCollection
{
    public const string Name = "Throughput (runs alone)";
}
