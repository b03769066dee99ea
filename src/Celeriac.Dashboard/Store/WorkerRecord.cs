namespace Celeriac.Dashboard.Store;

/// <summary>A worker as stored.</summary>
public sealed record WorkerRecord : WorkerFields
{
    /// <summary>The node name.</summary>
    public required string Hostname { get; init; }
    /// <summary>No worker-offline since its latest event, and that event younger than twice <see cref="WorkerFields.Frequency"/>.</summary>
    public required bool Online { get; init; }
    /// <summary>When it went offline (its worker-offline, or when its last heartbeat expired); null while online.</summary>
    public DateTimeOffset? OfflineSince { get; init; }
    /// <summary>Its latest event.</summary>
    public required DateTimeOffset LastHeartbeat { get; init; }
}
