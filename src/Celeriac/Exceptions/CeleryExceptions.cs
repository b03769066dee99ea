namespace Celeriac.Exceptions;

/// <summary>The exceptions Celery itself raises, with the Python names peers expect (SPEC §4.4).</summary>
public static class CeleryExceptions
{
    /// <summary><c>celery.exceptions</c>.</summary>
    public const string CeleryModule = "celery.exceptions";

    /// <summary><c>billiard.exceptions</c>.</summary>
    public const string BilliardModule = "billiard.exceptions";

    /// <summary>No task of that name is registered in the worker: <c>NotRegistered('&lt;name&gt;')</c>.</summary>
    public static CeleryException NotRegistered(string taskName) => new("NotRegistered", CeleryModule, taskName);

    /// <summary>A worker stopped before the task finished: <c>WorkerLostError</c>.</summary>
    public static CeleryException WorkerLost(string message) => new("WorkerLostError", BilliardModule, message);

    /// <summary>The task was revoked (<c>revoked</c>, <c>expired</c> or <c>terminated</c>).</summary>
    public static CeleryException TaskRevoked(string reason) => new("TaskRevokedError", CeleryModule, reason);
}
