using System.Diagnostics;

namespace Celeriac.Tests.Diagnostics;

/// <summary>
/// A propagator of its own (as Celeriac.OpenTelemetry's adapter over a TextMapPropagator would be):
/// W3C's format under other header names, so a test can tell it was the one used.
/// </summary>
internal sealed class PrefixedPropagator(string prefix) : DistributedContextPropagator
{
    private static readonly DistributedContextPropagator W3C = CreateW3CPropagator();

    public override IReadOnlyCollection<string> Fields => W3C.Fields.Select(f => prefix + f).ToList();

    public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter) =>
        W3C.Inject(activity, carrier, (c, name, value) => setter?.Invoke(c, prefix + name, value));

    public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState) =>
        W3C.ExtractTraceIdAndState(carrier, Prefixed(getter), out traceId, out traceState);

    public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter) =>
        W3C.ExtractBaggage(carrier, Prefixed(getter));

    private PropagatorGetterCallback Prefixed(PropagatorGetterCallback? getter) =>
        (object? c, string name, out string? value, out IEnumerable<string>? values) =>
        {
            value = null;
            values = null;
            getter?.Invoke(c, prefix + name, out value, out values);
        };
}
