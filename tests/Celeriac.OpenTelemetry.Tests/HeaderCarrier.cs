using System.Diagnostics;

namespace Celeriac.OpenTelemetry.Tests;

/// <summary>Task headers as the core hands them to a propagator: a dictionary and two callbacks.</summary>
internal static class HeaderCarrier
{
    public static readonly DistributedContextPropagator.PropagatorSetterCallback Setter =
        static (carrier, name, value) => ((Dictionary<string, object?>)carrier!)[name] = value;

    public static readonly DistributedContextPropagator.PropagatorGetterCallback Getter =
        static (object? carrier, string name, out string? value, out IEnumerable<string>? values) =>
        {
            values = null;
            value = ((Dictionary<string, object?>)carrier!).TryGetValue(name, out var v) ? v as string : null;
        };
}
