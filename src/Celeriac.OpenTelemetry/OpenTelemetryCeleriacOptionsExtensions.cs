using Celeriac.OpenTelemetry;

namespace Celeriac;

/// <summary>Makes a Celeriac app carry trace context the way OpenTelemetry is configured to.</summary>
public static class OpenTelemetryCeleriacOptionsExtensions
{
    /// <summary>
    /// Injects and extracts the trace context in task headers through OpenTelemetry's default propagator
    /// (<c>Propagators.DefaultTextMapPropagator</c>: W3C <c>traceparent</c>/<c>tracestate</c> and
    /// <c>baggage</c> once the SDK is started, or whatever <c>Sdk.SetDefaultTextMapPropagator</c> set, such
    /// as B3), instead of .NET's <c>DistributedContextPropagator.Current</c>. Use it when the peers —
    /// Python's <c>opentelemetry-instrumentation-celery</c> or other services — are set up with a
    /// propagator other than W3C's. Until an OpenTelemetry SDK is started in the process, OpenTelemetry's
    /// default propagator is a no-op, so no context is written.
    /// <code>
    /// var app = CeleriacApp.Create(o => o.UseRedis().UseOpenTelemetryPropagation());
    /// // hosted: services.AddCeleriac(…).UseOpenTelemetryPropagation()
    /// </code>
    /// </summary>
    /// <param name="options">The app's options.</param>
    /// <returns>The same options, for chaining.</returns>
    public static CeleriacOptions UseOpenTelemetryPropagation(this CeleriacOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Propagator = OpenTelemetryPropagator.Instance;
        return options;
    }
}
