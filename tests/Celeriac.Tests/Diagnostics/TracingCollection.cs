namespace Celeriac.Tests.Diagnostics;

/// <summary>
/// Tests that listen to the "Celeriac" source. A listener is process-wide: while one is attached,
/// every send in the process gets a span and a <c>traceparent</c> header, so these run alone, never
/// beside the wire tests that compare messages byte for byte.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TracingCollection
{
    public const string Name = "Tracing (process-wide ActivityListener)";
}
