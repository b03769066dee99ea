using Celeriac.OpenTelemetry;

namespace OpenTelemetry.Trace;

/// <summary>Adds Celeriac's spans to an OpenTelemetry tracer provider.</summary>
public static class CeleriacTracerProviderBuilderExtensions
{
    /// <summary>
    /// Exports Celeriac's spans: the producer span <c>apply_async/&lt;task&gt;</c> of every send and the
    /// consumer span <c>run/&lt;task&gt;</c> of every run (ActivitySource <c>Celeriac</c>). Celeriac starts
    /// no span while nothing listens, so without this call tracing costs nothing.
    /// <code>
    /// builder.Services.AddOpenTelemetry()
    ///     .WithTracing(t =&gt; t.AddAspNetCoreInstrumentation().AddCeleriacInstrumentation().AddOtlpExporter());
    /// </code>
    /// The trace context in task headers follows .NET's <c>DistributedContextPropagator.Current</c> (W3C
    /// <c>traceparent</c>) unless the app calls <c>UseOpenTelemetryPropagation()</c> on its options, which
    /// makes it follow OpenTelemetry's configured propagator (B3, or any other).
    /// </summary>
    /// <param name="builder">The tracer provider builder.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static TracerProviderBuilder AddCeleriacInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource(CeleriacTelemetryNames.ActivitySource);
    }
}
