namespace Celeriac.Interop.Tests.Support.Beat;

/// <summary>The beat replica tests time take-overs to the second: they run with no other test class in parallel (the machine may have two cores).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BeatReplicaCollection
{
    public const string Name = "Beat replicas (run alone)";
}
