namespace Celeriac.Exceptions;

/// <summary>The exceptions Celery itself raises, with the Python names peers expect (docs/protocol.md §4.4).</summary>
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

    /// <summary>The hard time limit passed: <c>TimeLimitExceeded(&lt;seconds&gt;)</c>.</summary>
    public static CeleryException TimeLimitExceeded(double seconds) => new ArgumentsException("TimeLimitExceeded", BilliardModule,
        $"TimeLimitExceeded({seconds})", [Math.Floor(seconds) == seconds ? System.Text.Json.Nodes.JsonValue.Create((long)seconds) : System.Text.Json.Nodes.JsonValue.Create(seconds)]);

    /// <summary>The soft time limit passed and the task let the cancellation escape: <c>SoftTimeLimitExceeded()</c>.</summary>
    public static CeleryException SoftTimeLimitExceeded(string message) => new ArgumentsException("SoftTimeLimitExceeded", BilliardModule, message, []);

    /// <summary>A retry was asked for past <c>max_retries</c> and no exception was given.</summary>
    public static CeleryException MaxRetriesExceeded(string message) => new("MaxRetriesExceededError", CeleryModule, message);

    /// <summary>The task was revoked (<c>revoked</c>, <c>expired</c> or <c>terminated</c>).</summary>
    public static CeleryException TaskRevoked(string reason) => new("TaskRevokedError", CeleryModule, reason);

    /// <summary>A chord body could not run: a header part failed, or the join or the body's send did (<c>ChordError</c>).</summary>
    public static CeleryException ChordError(string message) => new("ChordError", CeleryModule, message);

    /// <summary>A canvas was used in a way Celery refuses (<c>ImproperlyConfigured</c>).</summary>
    public static CeleryException ImproperlyConfigured(string message) => new("ImproperlyConfigured", CeleryModule, message);

    /// <summary>A Celery exception whose stored args are not just its message.</summary>
    private sealed class ArgumentsException(string type, string module, string message, System.Text.Json.Nodes.JsonArray arguments)
        : CeleryException(type, module, message)
    {
        public override System.Text.Json.Nodes.JsonArray ExcArguments => (System.Text.Json.Nodes.JsonArray)arguments.DeepClone();
    }
}
