using Celeriac.Hosting;

namespace Celeriac;

/// <summary>OpenTelemetry's propagator for a hosted Celeriac app: <c>services.AddCeleriac(…).UseOpenTelemetryPropagation()</c>.</summary>
public static class OpenTelemetryCeleriacBuilderExtensions
{
    /// <summary>
    /// Task headers carry the trace context in the format OpenTelemetry's default propagator writes (W3C
    /// <c>traceparent</c>/<c>tracestate</c> + <c>baggage</c>, or B3, or whatever <c>Sdk.SetDefaultTextMapPropagator</c>
    /// set), as <see cref="OpenTelemetryCeleriacOptionsExtensions.UseOpenTelemetryPropagation(CeleriacOptions)"/>
    /// does for an app made by hand.
    /// <code>
    /// builder.Services.AddCeleriac(builder.Configuration.GetSection("Celeriac"))
    ///     .UseRedis()
    ///     .UseOpenTelemetryPropagation()
    ///     .AddWorker();
    /// builder.Services.AddOpenTelemetry()
    ///     .WithTracing(t =&gt; t.AddCeleriacInstrumentation())
    ///     .WithMetrics(m =&gt; m.AddCeleriacInstrumentation());
    /// </code>
    /// </summary>
    /// <param name="builder">The builder from <c>AddCeleriac</c>.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static CeleriacBuilder UseOpenTelemetryPropagation(this CeleriacBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Configure(o => o.UseOpenTelemetryPropagation());
    }
}
