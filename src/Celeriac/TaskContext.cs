using System.Text.Json.Nodes;
using Celeriac.Protocol.Messages;
using Celeriac.Protocol.Results;

namespace Celeriac;

/// <summary>
/// What a running task knows about itself (Celery's <c>self.request</c>) and can do: its id,
/// retries, workflow ids, delivery, a cancellation token, and state updates. Declare a parameter
/// of this type to receive it.
/// </summary>
public sealed class TaskContext
{
    private static readonly AsyncLocal<TaskContext?> CurrentContext = new();

    internal TaskContext(CeleriacApp app, TaskMessage message, string hostname, string? queue, bool isEager, CancellationToken cancellation)
    {
        App = app;
        Message = message;
        Hostname = hostname;
        Queue = queue;
        IsEager = isEager;
        Cancellation = cancellation;
    }

    /// <summary>The running task's context on this async flow, or null outside a task.</summary>
    public static TaskContext? Current => CurrentContext.Value;

    internal static void SetCurrent(TaskContext? context) => CurrentContext.Value = context;

    /// <summary>The app running the task.</summary>
    public CeleriacApp App { get; }

    internal TaskMessage Message { get; }

    /// <summary>Task id.</summary>
    public string TaskId => Message.Id;

    /// <summary>Registered task name.</summary>
    public string TaskName => Message.Task;

    /// <summary>Retries performed before this run.</summary>
    public int Retries => Message.Retries;

    /// <summary>Id of the task that sent this one.</summary>
    public string? ParentId => Message.ParentId;

    /// <summary>Id of the first task of the workflow.</summary>
    public string RootId => Message.RootId ?? Message.Id;

    /// <summary>Group id when part of a group or chord header.</summary>
    public string? GroupId => Message.Group;

    /// <summary>Position in the group.</summary>
    public int? GroupIndex => Message.GroupIndex;

    /// <summary>The eta the task was scheduled for.</summary>
    public DateTimeOffset? Eta => Message.Eta;

    /// <summary>When the task expires.</summary>
    public DateTimeOffset? Expires => Message.Expires;

    /// <summary>Positional arguments as received.</summary>
    public JsonArray Args => Message.Args;

    /// <summary>Keyword arguments as received.</summary>
    public JsonObject Kwargs => Message.Kwargs;

    /// <summary>Custom headers sent with the task.</summary>
    public JsonObject Headers => Message.ExtraHeaders;

    /// <summary>Node name of the worker running it.</summary>
    public string Hostname { get; }

    /// <summary>The queue (routing key) it was delivered from; null in eager mode.</summary>
    public string? Queue { get; }

    /// <summary>True when running eagerly in the caller.</summary>
    public bool IsEager { get; }

    /// <summary>Fires when the task should stop: shutdown of the worker (and time limits and revokes in later stages).</summary>
    public CancellationToken Cancellation { get; }

    internal IResultStorePort? StatePort { get; init; }

    /// <summary>The running task's definition (its retry settings); null only in hand-built contexts.</summary>
    internal Tasks.TaskDefinition? Definition { get; init; }

    /// <summary>The soft time limit in force, set when the worker applies one.</summary>
    internal TimeSpan? SoftTimeLimit { get; init; }

    /// <summary>Fires when the soft time limit passes; none when there is no soft limit.</summary>
    internal CancellationToken SoftLimitToken { get; init; }

    /// <summary>True once the soft time limit passed (the token has fired for that reason).</summary>
    public bool IsSoftTimeLimitExceeded => SoftLimitToken.IsCancellationRequested;

    /// <summary>
    /// Throws when the task should stop: <see cref="Exceptions.SoftTimeLimitExceededException"/> after
    /// the soft time limit, else <see cref="OperationCanceledException"/> when the token fired.
    /// </summary>
    public void ThrowIfCancellationRequested()
    {
        if (!Cancellation.IsCancellationRequested) return;
        if (IsSoftTimeLimitExceeded && SoftTimeLimit is { } limit) throw new Exceptions.SoftTimeLimitExceededException(limit, Cancellation);
        Cancellation.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// Celery's <c>self.retry(...)</c>: returns the exception to throw. Within the task's
    /// <c>MaxRetries</c> (or <paramref name="maxRetries"/>) that is a <see cref="Exceptions.RetryException"/>:
    /// the worker publishes a new message with the same id, <c>retries + 1</c> and an eta (after
    /// <paramref name="countdown"/>, at <paramref name="eta"/>, or after <c>DefaultRetryDelay</c>)
    /// and stores RETRY. Past the maximum it is <paramref name="exception"/>, or
    /// <c>MaxRetriesExceededError</c> when none was given, so the task fails.
    /// </summary>
    /// <example><code>catch (HttpRequestException e) { throw ctx.Retry(e, countdown: TimeSpan.FromSeconds(10)); }</code></example>
    public Exception Retry(Exception? exception = null, TimeSpan? countdown = null, DateTimeOffset? eta = null, int? maxRetries = null,
        IEnumerable<object?>? args = null, IReadOnlyDictionary<string, object?>? kwargs = null)
    {
        var options = Definition?.Options;
        var limit = maxRetries ?? options?.MaxRetries;
        if (limit is { } max && Retries >= max)
        {
            return exception ?? Exceptions.CeleryExceptions.MaxRetriesExceeded(
                $"Can't retry {TaskName}[{TaskId}] args:{Message.ArgsRepr} kwargs:{Message.KwargsRepr}");
        }
        var now = App.Options.TimeProvider.GetUtcNow();
        var when = eta ?? now + (countdown ?? options?.DefaultRetryDelay ?? TimeSpan.FromSeconds(180));
        var json = App.Options.Json;
        return new Exceptions.RetryException(exception, when, when > now ? when - now : TimeSpan.Zero,
            args is null ? null : Serialization.CeleriacJson.ToArgs(args, json),
            kwargs is null ? null : Serialization.CeleriacJson.ToKwargs(kwargs, json));
    }

    /// <summary>Celery's <c>Reject</c>: returns the exception to throw to refuse the message (requeued when <paramref name="requeue"/>).</summary>
    public Exception Reject(bool requeue = false, string? reason = null) => new Exceptions.RejectException(requeue, reason);

    /// <summary>Celery's <c>Ignore</c>: returns the exception to throw to end without storing a state.</summary>
    public Exception Ignore(string? reason = null) => new Exceptions.IgnoreException(reason);

    /// <summary>
    /// Celery's <c>self.replace(sig)</c>: returns the exception to throw to end this task and run
    /// <paramref name="signature"/> in its place. The replacement takes this task's id (unless it was
    /// frozen with its own), its callbacks, errbacks, chord membership and the rest of its chain, so
    /// whoever waits on this task gets the replacement's result. Nothing is stored for this run.
    /// Only plain signatures can replace a task in this version; a composite gives a
    /// <see cref="NotSupportedException"/> to throw instead.
    /// </summary>
    /// <example><code>if (tooBig) throw ctx.Replace(new Signature("tasks.process_in_parts", [items]));</code></example>
    public Exception Replace(Canvas.Signature signature) => Canvas.Replacement.Prepare(this, signature);

    /// <summary>
    /// Stores a custom state (e.g. <c>PROGRESS</c> with <c>{"current": 3, "total": 10}</c>) that
    /// clients see through <see cref="AsyncResult"/> while the task runs. It completes once the
    /// state is stored. When the result backend cannot store it (the backend is down, say) it
    /// throws what the backend threw, as Celery's <c>update_state</c> raises: catch it in the task
    /// when progress reports are optional, or let it fail the task (or trigger its autoretry).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="state"/> is null or empty.</exception>
    /// <exception cref="InvalidOperationException">The worker stopped before the state could be stored.</exception>
    public ValueTask UpdateStateAsync(string state, object? meta = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(state);
        if (StatePort is null) return ValueTask.CompletedTask;
        var result = Serialization.CeleriacJson.ToNode(meta, App.Options.Json);
        return StatePort.StoreStateAsync(new ResultMeta
        {
            TaskId = TaskId,
            Status = state,
            Result = result,
            GroupId = GroupId,
            ParentId = ParentId,
            Children = [],
            // As for any stored meta, a ready state (update_state(SUCCESS) then Ignore, say) has its date_done.
            DateDone = TaskStates.IsReady(state) ? App.Options.TimeProvider.GetUtcNow().UtcDateTime : null,
            // Celery's update_state stores with the request, so result_extended adds its fields here too.
            Extended = App.Options.ResultExtended
                ? new ExtendedResultFields(Message.Task, Message.Args, Message.Kwargs, Hostname, Message.Retries, Queue)
                : null,
            // Celery's update_state passes the request: an rpc:// backend sends the state to its reply_to.
            ReplyTo = Message.Properties.ReplyTo,
            CorrelationId = Message.Properties.CorrelationId,
        }, cancellationToken);
    }
}
