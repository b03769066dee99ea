using Celeriac.OpenTelemetry;

namespace OpenTelemetry.Metrics;

/// <summary>Adds Celeriac's metrics to an OpenTelemetry meter provider.</summary>
public static class CeleriacMeterProviderBuilderExtensions
{
    /// <summary>
    /// Exports Celeriac's instruments (Meter <c>Celeriac</c>): the task counters
    /// (<c>celeriac.task.sent</c>, <c>.received</c>, <c>.succeeded</c>, <c>.failed</c>, <c>.retried</c>,
    /// <c>.revoked</c>), the run-duration and queue-wait histograms, the worker's active, reserved,
    /// ETA-parked and prefetch gauges, and the publish and result-store latencies.
    /// <code>
    /// builder.Services.AddOpenTelemetry()
    ///     .WithMetrics(m =&gt; m.AddCeleriacInstrumentation().AddPrometheusExporter());
    /// </code>
    /// </summary>
    /// <param name="builder">The meter provider builder.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static MeterProviderBuilder AddCeleriacInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter(CeleriacTelemetryNames.Meter);
    }
}
