namespace Celeriac.Dashboard.Store;

/// <summary>What one <see cref="IDashboardStore.WriteAsync"/> call writes, in one transaction.</summary>
public sealed class DashboardBatch
{
    /// <summary>Task events in the order they were received.</summary>
    public IReadOnlyList<TaskEvent> Tasks { get; init; } = [];

    /// <summary>Worker updates (heartbeats, online, offline) in the order they were received.</summary>
    public IReadOnlyList<WorkerUpdate> Workers { get; init; } = [];
}
