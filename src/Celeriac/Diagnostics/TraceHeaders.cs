using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Celeriac.Diagnostics;

/// <summary>
/// The trace context in a task message's protocol v2 headers: top-level <c>traceparent</c>,
/// <c>tracestate</c> (and <c>baggage</c>), where Python's opentelemetry-instrumentation-celery injects
/// them and Celery's worker copies them into the request (docs/interop.md, "Tracing"). Everything
/// goes through <see cref="DistributedContextPropagator"/>'s <c>Inject</c> / <c>ExtractTraceIdAndState</c> /
/// <c>ExtractBaggage</c>, so a propagator adapter (B3, OpenTelemetry's TextMapPropagator) decides the
/// header names and formats.
/// </summary>
internal static class TraceHeaders
{
    /// <summary>
    /// Writes <paramref name="activity"/>'s context into <paramref name="headers"/>. The propagator's
    /// fields are cleared first: a retry copies its original's headers, and a <c>tracestate</c> or
    /// <c>baggage</c> the new context does not have must not ride along with the new <c>traceparent</c>.
    /// </summary>
    public static void Inject(DistributedContextPropagator propagator, Activity activity, JsonObject headers)
    {
        foreach (var field in propagator.Fields) headers.Remove(field);
        propagator.Inject(activity, headers, static (carrier, name, value) =>
        {
            if (carrier is JsonObject h) h[name] = value;
        });
    }

    /// <summary>
    /// The remote parent the headers name, or <c>default</c> when they name none or a malformed one:
    /// a bad header from a peer starts a new trace, it never fails the task.
    /// </summary>
    public static ActivityContext Extract(DistributedContextPropagator propagator, JsonObject headers)
    {
        propagator.ExtractTraceIdAndState(headers, Getter, out var traceParent, out var traceState);
        return traceParent is not null && ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var parent) ? parent : default;
    }

    /// <summary>The baggage the headers carry, if any.</summary>
    public static IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(DistributedContextPropagator propagator, JsonObject headers) =>
        propagator.ExtractBaggage(headers, Getter);

    // Only string values count: a header a peer set to a number or a list is not a trace context.
    private static readonly DistributedContextPropagator.PropagatorGetterCallback Getter = static (object? carrier, string name, out string? value, out IEnumerable<string>? values) =>
    {
        values = null;
        value = carrier is JsonObject h && h.TryGetPropertyValue(name, out var node) && node is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;
    };
}
