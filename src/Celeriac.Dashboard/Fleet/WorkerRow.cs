namespace Celeriac.Dashboard.Fleet;

/// <summary>A worker as <c>GET P/api/fleet/workers</c> shows it (API16.md): the store's record joined with the live inspect.</summary>
internal sealed record WorkerRow(
    string Hostname,
    bool Online,
    string? SwIdent,
    string? SwVer,
    string? SwSys,
    long? Concurrency,
    int? Active,
    long? Processed,
    IReadOnlyList<double>? Loadavg,
    double? Freq,
    DateTime? LastHeartbeat,
    DateTime? OfflineSince,
    IReadOnlyList<string>? Queues,
    AutoscaleRow? Autoscale);

