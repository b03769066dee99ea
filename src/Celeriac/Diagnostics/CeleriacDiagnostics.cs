namespace Celeriac.Diagnostics;

/// <summary>
/// The names under which Celeriac reports its telemetry: one <see cref="System.Diagnostics.ActivitySource"/>
/// for traces and one <see cref="System.Diagnostics.Metrics.Meter"/> for metrics. Subscribe to them with
/// OpenTelemetry (<c>AddSource(CeleriacDiagnostics.ActivitySourceName)</c>,
/// <c>AddMeter(CeleriacDiagnostics.MeterName)</c>) or any listener.
/// </summary>
/// <example>
/// <code>
/// services.AddOpenTelemetry()
///     .WithTracing(t => t.AddSource(CeleriacDiagnostics.ActivitySourceName))
///     .WithMetrics(m => m.AddMeter(CeleriacDiagnostics.MeterName));
/// </code>
/// </example>
public static class CeleriacDiagnostics
{
    /// <summary>
    /// The name of the <see cref="System.Diagnostics.ActivitySource"/>: a producer span
    /// <c>apply_async/&lt;task&gt;</c> per task message sent and a consumer span <c>run/&lt;task&gt;</c> per task run.
    /// </summary>
    public const string ActivitySourceName = "Celeriac";

    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> with Celeriac's instruments.</summary>
    public const string MeterName = "Celeriac";
}
