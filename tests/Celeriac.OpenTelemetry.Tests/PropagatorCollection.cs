namespace Celeriac.OpenTelemetry.Tests;

/// <summary>
/// Tests that set OpenTelemetry's process-wide default propagator run one at a time and put the
/// W3C + baggage composite back when done.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PropagatorCollection
{
    public const string Name = "OpenTelemetry default propagator";
}
