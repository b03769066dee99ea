namespace Celeriac.Tasks;

/// <summary>
/// Per-task settings; anything left null falls back to the app's setting of the same meaning.
/// </summary>
public sealed class TaskOptions
{
    /// <summary>Ack after running instead of before (Celery's <c>acks_late</c>).</summary>
    public bool? AcksLate { get; set; }

    /// <summary>With acks late, ack failures and timeouts (<c>acks_on_failure_or_timeout</c>).</summary>
    public bool? AcksOnFailureOrTimeout { get; set; }

    /// <summary>With acks late, requeue when the worker is lost (<c>reject_on_worker_lost</c>).</summary>
    public bool? RejectOnWorkerLost { get; set; }

    /// <summary>Do not store results for this task (<c>ignore_result</c>): no STARTED or SUCCESS, and no failures unless stored even if ignored.</summary>
    public bool? IgnoreResult { get; set; }

    /// <summary>Store failures even when results are ignored (<c>store_errors_even_if_ignored</c>).</summary>
    public bool? StoreErrorsEvenIfIgnored { get; set; }

    /// <summary>Store STARTED when the task begins (<c>track_started</c>).</summary>
    public bool? TrackStarted { get; set; }

    /// <summary>Queue this task is sent to when the caller does not name one.</summary>
    public string? Queue { get; set; }

    /// <summary>Priority this task is sent with when the caller does not give one.</summary>
    public int? Priority { get; set; }
}
