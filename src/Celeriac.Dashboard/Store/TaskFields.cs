namespace Celeriac.Dashboard.Store;

/// <summary>The task fields an event carries and a record keeps; null is unknown.</summary>
public abstract record TaskFields
{
    /// <summary>The task name.</summary>
    public string? Name { get; init; }
    /// <summary>The worker's hostname.</summary>
    public string? Worker { get; init; }
    /// <summary>The queue (routing key) it was delivered from.</summary>
    public string? Queue { get; init; }
    /// <summary>The workflow's root task id.</summary>
    public string? RootId { get; init; }
    /// <summary>The parent task id.</summary>
    public string? ParentId { get; init; }
    /// <summary>The group id.</summary>
    public string? GroupId { get; init; }
    /// <summary>Positional arguments (JSON or Python repr), kept up to <see cref="DashboardStoreOptions.MaxPayloadLength"/>.</summary>
    public string? Args { get; init; }
    /// <summary>Keyword arguments, kept up to the same size.</summary>
    public string? Kwargs { get; init; }
    /// <summary>The result, kept up to the same size.</summary>
    public string? Result { get; init; }
    /// <summary>The exception (type and message).</summary>
    public string? Exception { get; init; }
    /// <summary>The full traceback.</summary>
    public string? Traceback { get; init; }
    /// <summary>Run time in seconds (task-succeeded).</summary>
    public double? Runtime { get; init; }
    /// <summary>How many times it has been retried.</summary>
    public int? Retries { get; init; }
    /// <summary>The ETA it was sent with.</summary>
    public DateTimeOffset? Eta { get; init; }
    /// <summary>When it expires.</summary>
    public DateTimeOffset? Expires { get; init; }
}
