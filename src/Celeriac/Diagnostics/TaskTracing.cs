using System.Diagnostics;

namespace Celeriac.Diagnostics;

/// <summary>
/// The <see cref="ActivitySource"/> behind <see cref="CeleriacDiagnostics.ActivitySourceName"/> and the
/// attribute names its spans carry (the messaging semantic conventions plus Celery's own, as
/// Python's opentelemetry-instrumentation-celery names them, so mixed traces read alike).
/// </summary>
internal static class TaskTracing
{
    public static readonly ActivitySource Source = new(
        CeleriacDiagnostics.ActivitySourceName, typeof(TaskTracing).Assembly.GetName().Version?.ToString());

    public const string MessagingSystem = "messaging.system";
    public const string OperationType = "messaging.operation.type";
    public const string OperationName = "messaging.operation.name";
    public const string DestinationName = "messaging.destination.name";
    public const string MessageId = "messaging.message.id";
    public const string TaskName = "celery.task_name";
    public const string Retries = "celery.retries";
    public const string Hostname = "celery.hostname";
    public const string State = "celery.state";

    /// <summary>Python's span names: <c>apply_async/&lt;task&gt;</c> for a send, <c>run/&lt;task&gt;</c> for a run.</summary>
    public const string PublishPrefix = "apply_async/";
    public const string RunPrefix = "run/";

    /// <summary>The propagator an app injects and extracts with: its own, else the process-wide one.</summary>
    public static DistributedContextPropagator Propagator(CeleriacApp app) => app.Options.Propagator ?? DistributedContextPropagator.Current;
}
