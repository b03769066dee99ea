using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;

namespace Celeriac.OpenTelemetry;

/// <summary>
/// The <see cref="DistributedContextPropagator"/> Celeriac injects and extracts task headers with, handing
/// both to OpenTelemetry's <see cref="Propagators.DefaultTextMapPropagator"/> — read at each call, so a
/// propagator set after start-up (<c>Sdk.SetDefaultTextMapPropagator</c>, B3 for a Zipkin shop) is the one
/// that writes the headers. Hard-coding W3C <c>traceparent</c> would break such setups: the peer would look
/// for <c>X-B3-TraceId</c> and start a new trace.
/// </summary>
/// <remarks>
/// The core reads a parent as a W3C <c>traceparent</c> string (the contract of
/// <see cref="DistributedContextPropagator.ExtractTraceIdAndState"/>), so whatever format OpenTelemetry's
/// propagator extracts is handed back in that form.
/// </remarks>
internal sealed class OpenTelemetryPropagator : DistributedContextPropagator
{
    /// <summary>The one instance; it holds no state.</summary>
    public static OpenTelemetryPropagator Instance { get; } = new();

    /// <inheritdoc />
    public override IReadOnlyCollection<string> Fields =>
        Propagators.DefaultTextMapPropagator.Fields is { } fields ? fields.ToArray() : [];

    /// <inheritdoc />
    public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter)
    {
        // OpenTelemetry's propagators speak W3C ids only; a hierarchical id has no trace id to send.
        if (activity is null || setter is null || activity.IdFormat != ActivityIdFormat.W3C) return;
        var context = new PropagationContext(activity.Context, CurrentBaggage(activity));
        Propagators.DefaultTextMapPropagator.Inject(context, (carrier, setter),
            static (state, name, value) => state.setter(state.carrier, name, value));
    }

    /// <inheritdoc />
    public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState)
    {
        traceId = null;
        traceState = null;
        if (getter is null) return;
        var context = Extract(carrier, getter).ActivityContext;
        if (context.TraceId == default || context.SpanId == default) return;
        // Every flag travels (sampled, and W3C level 2's random-trace-id bit), as in the header itself.
        traceId = $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-{(byte)context.TraceFlags:x2}";
        traceState = string.IsNullOrEmpty(context.TraceState) ? null : context.TraceState;
    }

    /// <inheritdoc />
    public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter)
    {
        if (getter is null) return null;
        var baggage = Extract(carrier, getter).Baggage;
        return baggage.Count == 0 ? null : baggage.GetBaggage().Select(p => new KeyValuePair<string, string?>(p.Key, p.Value)).ToList();
    }

    private static PropagationContext Extract(object? carrier, PropagatorGetterCallback getter) =>
        Propagators.DefaultTextMapPropagator.Extract(default, (carrier, getter), static (state, name) =>
        {
            state.getter(state.carrier, name, out var value, out var values);
            return values ?? (value is null ? null : [value]);
        });

    /// <summary>
    /// OpenTelemetry's <see cref="Baggage.Current"/> over the activity's own baggage: the core puts the
    /// baggage it extracted on the consumer span (<see cref="Activity.AddBaggage"/>), so a task that sends
    /// another passes it on even though nothing set OpenTelemetry's ambient baggage in the worker.
    /// </summary>
    private static Baggage CurrentBaggage(Activity activity)
    {
        var current = Baggage.Current;
        Dictionary<string, string>? merged = null;
        foreach (var (name, value) in activity.Baggage)
        {
            if (value is null || current.GetBaggage(name) is not null) continue;
            merged ??= new Dictionary<string, string>(current.GetBaggage());
            merged.TryAdd(name, value);
        }
        return merged is null ? current : Baggage.Create(merged);
    }
}
