namespace Celeriac.Dashboard.Store;

/// <summary>A task as stored: the merge of every event seen for it.</summary>
public sealed record TaskRecord
{
    /// <summary>The task id.</summary>
    public required string Id { get; init; }
    /// <summary>The latest state (by event timestamp).</summary>
    public required string State { get; init; }
    /// <summary>When the store first heard of it.</summary>
    public required DateTimeOffset FirstSeen { get; init; }
    /// <summary>The timestamp of its latest event.</summary>
    public required DateTimeOffset Updated { get; init; }
    /// <summary>The task name.</summary>
    public string? Name { get; init; }
    /// <summary>The worker's hostname.</summary>
    public string? Worker { get; init; }
    /// <summary>The queue.</summary>
    public string? Queue { get; init; }
    /// <summary>The workflow's root id.</summary>
    public string? RootId { get; init; }
    /// <summary>The parent id.</summary>
    public string? ParentId { get; init; }
    /// <summary>The group id.</summary>
    public string? GroupId { get; init; }
    /// <summary>Positional arguments.</summary>
    public string? Args { get; init; }
    /// <summary>Keyword arguments.</summary>
    public string? Kwargs { get; init; }
    /// <summary>The result.</summary>
    public string? Result { get; init; }
    /// <summary>The exception.</summary>
    public string? Exception { get; init; }
    /// <summary>The traceback.</summary>
    public string? Traceback { get; init; }
    /// <summary>Run time in seconds.</summary>
    public double? Runtime { get; init; }
    /// <summary>Retries so far.</summary>
    public int? Retries { get; init; }
    /// <summary>The ETA.</summary>
    public DateTimeOffset? Eta { get; init; }
    /// <summary>When it expires.</summary>
    public DateTimeOffset? Expires { get; init; }
    /// <summary>When it was received by a worker.</summary>
    public DateTimeOffset? Received { get; init; }
    /// <summary>When it started.</summary>
    public DateTimeOffset? Started { get; init; }
    /// <summary>When it reached a final state (success, failure, revoked, rejected).</summary>
    public DateTimeOffset? Finished { get; init; }
}

/// <summary>A task with its state timeline.</summary>
/// <param name="Task">The task.</param>
/// <param name="Timeline">Its events, oldest first.</param>
public sealed record TaskDetail(TaskRecord Task, IReadOnlyList<TaskTimelineEntry> Timeline);

/// <summary>One row of a task's timeline.</summary>
/// <param name="State">The state the event reported.</param>
/// <param name="Timestamp">When.</param>
/// <param name="Worker">The worker that raised it, when known.</param>
public sealed record TaskTimelineEntry(string State, DateTimeOffset Timestamp, string? Worker);

/// <summary>A worker as stored.</summary>
public sealed record WorkerRecord
{
    /// <summary>The node name.</summary>
    public required string Hostname { get; init; }
    /// <summary>False after worker-offline (a dashboard also ages out silent ones by <see cref="LastHeartbeat"/>).</summary>
    public required bool Online { get; init; }
    /// <summary>Its latest event.</summary>
    public required DateTimeOffset LastHeartbeat { get; init; }
    /// <summary><c>sw_ident</c>.</summary>
    public string? SoftwareIdent { get; init; }
    /// <summary><c>sw_ver</c>.</summary>
    public string? SoftwareVersion { get; init; }
    /// <summary><c>sw_sys</c>.</summary>
    public string? SoftwareSystem { get; init; }
    /// <summary>Heartbeat interval in seconds.</summary>
    public double? Frequency { get; init; }
    /// <summary>Tasks running.</summary>
    public int? Active { get; init; }
    /// <summary>Tasks processed.</summary>
    public long? Processed { get; init; }
    /// <summary>Load averages.</summary>
    public string? LoadAverage { get; init; }
}
