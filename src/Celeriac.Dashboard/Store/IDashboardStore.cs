namespace Celeriac.Dashboard.Store;

/// <summary>
/// The dashboard's durable history: tasks and their state timelines, workers, and per-minute rollups
/// per task name. Ingestion writes in batches (<see cref="WriteAsync"/>); pages read through the
/// query methods, which page by key (never by offset) so a page costs the same at a million tasks.
/// Both implementations (<see cref="SqliteDashboardStore"/>, <see cref="PostgresDashboardStore"/>) have
/// one schema and one behaviour.
/// </summary>
/// <example>
/// <code>
/// await using var store = new SqliteDashboardStore("celeriac-dashboard.db");
/// await store.InitializeAsync();
/// await store.WriteAsync(new DashboardBatch { Tasks = [new TaskEvent("id-1", "RECEIVED", DateTimeOffset.UtcNow) { Name = "add" }] });
/// var page = await store.QueryTasksAsync(new TaskQuery { Text = "alice", Limit = 50 });
/// </code>
/// </example>
public interface IDashboardStore : IAsyncDisposable
{
    /// <summary>Creates the schema when missing and brings an older one up to date (a version table records it).</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes one batch in one transaction: task events are merged into their task records (a field an
    /// event lacks keeps its stored value; the state follows the newest timestamp), each becomes a
    /// timeline row, finished ones count in the minute rollups, and worker updates are merged into workers.
    /// </summary>
    Task WriteAsync(DashboardBatch batch, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds what the result backend knows to stored tasks: ids and the queue and name fill in only where the events
    /// left them empty; args, kwargs and result replace the stored text only when longer (the events' reprs are cut
    /// at 1,024 characters); the exception replaces billiard's <c>ExceptionWithTraceback()</c> placeholder. Cut at <see cref="DashboardStoreOptions.MaxPayloadLength"/>; unknown ids are ignored.
    /// </summary>
    Task EnrichAsync(IReadOnlyList<TaskEnrichment> tasks, CancellationToken cancellationToken = default);

    /// <summary>One page of tasks matching <paramref name="query"/>, sorted, with the cursor of the next page.</summary>
    Task<TaskPage> QueryTasksAsync(TaskQuery query, CancellationToken cancellationToken = default);

    /// <summary>One task with its state timeline (oldest first), or null when unknown.</summary>
    Task<TaskDetail?> GetTaskAsync(string taskId, CancellationToken cancellationToken = default);

    /// <summary>Every task of the workflow whose root is <paramref name="rootId"/> (the root included), oldest first.</summary>
    Task<IReadOnlyList<TaskRecord>> GetWorkflowAsync(string rootId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every known worker, online first, then by hostname. Online is computed: no worker-offline since its last
    /// event and that event younger than twice its heartbeat interval (Celery's expiry window; 60 s when it never
    /// said). Workers offline longer than <see cref="DashboardStoreOptions.OfflineWorkerRetention"/> are left out.
    /// </summary>
    Task<IReadOnlyList<WorkerRecord>> GetWorkersAsync(CancellationToken cancellationToken = default);

    /// <summary>Minute rollups in [<paramref name="from"/>, <paramref name="to"/>), for one task name or all, one queue or all (per name and queue: sum them for a task's or a queue's view).</summary>
    Task<IReadOnlyList<MinuteRollup>> GetRollupsAsync(DateTimeOffset from, DateTimeOffset to, string? taskName = null, string? queue = null, CancellationToken cancellationToken = default);

    /// <summary>Appends one entry to the audit log of dashboard actions.</summary>
    Task WriteAuditAsync(AuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>The audit log, newest first, <paramref name="limit"/> (1..1000) at a time; <paramref name="cursor"/> is the previous page's <see cref="AuditPage.NextCursor"/>.</summary>
    Task<AuditPage> QueryAuditAsync(int limit = 50, string? cursor = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes tasks (with their timelines), rollups and offline workers the policy no longer keeps; returns the tasks deleted.</summary>
    Task<long> PruneAsync(RetentionPolicy policy, CancellationToken cancellationToken = default);
}
