namespace Celeriac.Dashboard.Store;

/// <summary>One worker event (online, heartbeat, offline); a null field keeps the stored value.</summary>
/// <param name="Hostname">The worker's node name.</param>
/// <param name="Timestamp">When it was raised.</param>
/// <param name="Online">False for worker-offline.</param>
public sealed record WorkerUpdate(string Hostname, DateTimeOffset Timestamp, bool Online) : WorkerFields;
