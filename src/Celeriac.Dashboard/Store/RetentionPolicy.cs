namespace Celeriac.Dashboard.Store;

/// <summary>What <see cref="IDashboardStore.PruneAsync"/> keeps.</summary>
public sealed record RetentionPolicy
{
    /// <summary>Tasks not updated since this long before <see cref="Now"/> are deleted, and rollups older than it.</summary>
    public TimeSpan? MaxAge { get; init; }
    /// <summary>Only the newest this many tasks (by first seen order) are kept.</summary>
    public long? MaxTasks { get; init; }
    /// <summary>Workers offline (by worker-offline, or silent past their heartbeat expiry) longer than this are deleted.</summary>
    public TimeSpan? OfflineWorkerRetention { get; init; }
    /// <summary>The present, for <see cref="MaxAge"/> and <see cref="OfflineWorkerRetention"/>.</summary>
    public DateTimeOffset Now { get; init; } = DateTimeOffset.UtcNow;
}
