namespace Celeriac.OpenTelemetry;

/// <summary>The names OpenTelemetry subscribes to, from the core so the two cannot drift.</summary>
internal static class CeleriacTelemetryNames
{
    // TODO(h-tracing): Celeriac.Diagnostics.CeleriacDiagnostics.ActivitySourceName once merged.
    public const string ActivitySource = "Celeriac";

    // TODO(h-tracing): Celeriac.Diagnostics.CeleriacDiagnostics.MeterName once merged.
    public const string Meter = "Celeriac";
}
