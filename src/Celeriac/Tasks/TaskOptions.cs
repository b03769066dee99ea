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

    /// <summary>Retries allowed before the task fails (<c>max_retries</c>); default 3, null for no limit.</summary>
    public int? MaxRetries { get; set; } = 3;

    /// <summary>Wait before a retry that names no countdown or eta (<c>default_retry_delay</c>); default 180 s.</summary>
    public TimeSpan DefaultRetryDelay { get; set; } = TimeSpan.FromSeconds(180);

    /// <summary>Exception types that retry the task automatically (<c>autoretry_for</c>); subclasses count.</summary>
    public IReadOnlyList<Type> AutoRetryFor { get; set; } = [];

    /// <summary>Exception types that never autoretry, even when <see cref="AutoRetryFor"/> matches (<c>dont_autoretry_for</c>).</summary>
    public IReadOnlyList<Type> DontAutoRetryFor { get; set; } = [];

    /// <summary>Exponential backoff for autoretries (<c>retry_backoff</c>): <c>true</c>, or a base in seconds.</summary>
    public Backoff RetryBackoff { get; set; }

    /// <summary>Longest backoff (<c>retry_backoff_max</c>); default 600 s.</summary>
    public TimeSpan RetryBackoffMax { get; set; } = TimeSpan.FromSeconds(600);

    /// <summary>Randomise backoffs in <c>[0, countdown]</c> (<c>retry_jitter</c>); default on.</summary>
    public bool RetryJitter { get; set; } = true;

    /// <summary>Hard time limit (<c>time_limit</c>): the run is recorded FAILURE <c>TimeLimitExceeded</c> and its slot freed.</summary>
    public TimeSpan? TimeLimit { get; set; }

    /// <summary>Soft time limit (<c>soft_time_limit</c>): the task's cancellation token fires so it can clean up.</summary>
    public TimeSpan? SoftTimeLimit { get; set; }

    /// <summary>Rate in Celery's notation, per worker (<c>rate_limit</c>): <c>"10/s"</c>, <c>"100/m"</c>, <c>"1000/h"</c>.</summary>
    public string? RateLimit { get; set; }
}
