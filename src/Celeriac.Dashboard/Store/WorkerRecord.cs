namespace Celeriac.Dashboard.Store;

/// <summary>A worker as stored.</summary>
public sealed record WorkerRecord : WorkerFields
{
    /// <summary>The node name.</summary>
    public required string Hostname { get; init; }
    /// <summary>False after worker-offline (a dashboard also ages out silent ones by <see cref="LastHeartbeat"/>).</summary>
    public required bool Online { get; init; }
    /// <summary>Its latest event.</summary>
    public required DateTimeOffset LastHeartbeat { get; init; }
}
