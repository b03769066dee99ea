using Celeriac.Diagnostics;

namespace Celeriac.OpenTelemetry;

/// <summary>The names OpenTelemetry subscribes to, taken from the core so the two cannot drift.</summary>
internal static class CeleriacTelemetryNames
{
    public const string ActivitySource = CeleriacDiagnostics.ActivitySourceName;

    public const string Meter = CeleriacDiagnostics.MeterName;
}
