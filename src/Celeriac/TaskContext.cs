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

    /// <summary>
    /// Stores a custom state (e.g. <c>PROGRESS</c> with <c>{"current": 3, "total": 10}</c>) that
    /// clients see through <see cref="AsyncResult"/> while the task runs.
    /// </summary>
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
        }, cancellationToken);
    }
}
