namespace Celeriac.Events;

/// <summary>A worker as <see cref="ClusterState"/> knows it at the moment of the snapshot.</summary>
public sealed record WorkerSnapshot
{
    /// <summary>Node name.</summary>
    public required string Hostname { get; init; }

    /// <summary>
    /// True while a heartbeat came within the expiry window: <see cref="Freq"/> × 2 after the last
    /// one (Celery's <c>HEARTBEAT_EXPIRE_WINDOW</c>); false after <c>worker-offline</c>.
    /// </summary>
    public required bool IsOnline { get; init; }

    /// <summary>Heartbeat interval in seconds the worker announced (60 until it says, as in Celery).</summary>
    public double Freq { get; init; }

    /// <summary>Tasks running at the last heartbeat.</summary>
    public long? Active { get; init; }

    /// <summary>Tasks processed since the worker started, at the last heartbeat.</summary>
    public long? Processed { get; init; }

    /// <summary>Load averages at the last heartbeat.</summary>
    public IReadOnlyList<double>? LoadAverage { get; init; }

    /// <summary>Worker software (<c>py-celery</c>, …).</summary>
    public string? SoftwareIdent { get; init; }

    /// <summary>Worker software version.</summary>
    public string? SoftwareVersion { get; init; }

    /// <summary>Worker operating system.</summary>
    public string? SoftwareSystem { get; init; }

    /// <summary>The worker's process id.</summary>
    public long? Pid { get; init; }

    /// <summary>The clock of the worker's last event.</summary>
    public long Clock { get; init; }

    /// <summary>Unix time (receiver's clock) of the last sign of life, or null after <c>worker-offline</c>.</summary>
    public double? LastHeartbeat { get; init; }

    /// <summary>Unix time after which the worker counts as offline without a new heartbeat.</summary>
    public double? HeartbeatExpires => LastHeartbeat + Freq * ClusterState.HeartbeatExpireWindow;
}
