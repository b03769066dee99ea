namespace Celeriac.Protocol.Results;

/// <summary>Celery's task state names and state sets (docs/protocol.md §4.1).</summary>
public static class TaskStates
{
    /// <summary>Unknown or not yet run; never stored, a missing key reads as this.</summary>
    public const string Pending = "PENDING";
    /// <summary>Received by a worker (event-only).</summary>
    public const string Received = "RECEIVED";
    /// <summary>Started (stored only with <c>task_track_started</c>).</summary>
    public const string Started = "STARTED";
    /// <summary>Returned a value.</summary>
    public const string Success = "SUCCESS";
    /// <summary>Raised an exception.</summary>
    public const string Failure = "FAILURE";
    /// <summary>Waiting to be retried.</summary>
    public const string Retry = "RETRY";
    /// <summary>Revoked or expired.</summary>
    public const string Revoked = "REVOKED";
    /// <summary>Rejected by the task (event-only).</summary>
    public const string Rejected = "REJECTED";
    /// <summary>Ignored by the task (never stored).</summary>
    public const string Ignored = "IGNORED";

    /// <summary>States after which nothing more happens: SUCCESS, FAILURE, REVOKED.</summary>
    public static bool IsReady(string state) => state is Success or Failure or Revoked;

    /// <summary>States whose result is an exception: RETRY, FAILURE, REVOKED.</summary>
    public static bool IsException(string state) => state is Retry or Failure or Revoked;

    /// <summary>States whose exception a waiting client re-raises: FAILURE, REVOKED.</summary>
    public static bool Propagates(string state) => state is Failure or Revoked;
}
