namespace Celeriac;

/// <summary>
/// Options for one send (<c>apply_async</c>'s keywords): id, routing, timing, priority, headers.
/// </summary>
public sealed record TaskSendOptions
{
    /// <summary>Use this task id instead of a new one.</summary>
    public string? TaskId { get; init; }

    /// <summary>Send to this queue (else the task's queue, the routes, then the default queue).</summary>
    public string? Queue { get; init; }

    /// <summary>Publish to this exchange instead of straight to the queue.</summary>
    public string? Exchange { get; init; }

    /// <summary>Routing key for <see cref="Exchange"/>; defaults to the queue name.</summary>
    public string? RoutingKey { get; init; }

    /// <summary>Run no earlier than this long from now (becomes the <c>eta</c> header).</summary>
    public TimeSpan? Countdown { get; init; }

    /// <summary>Run no earlier than this instant.</summary>
    public DateTimeOffset? Eta { get; init; }

    /// <summary>Do not run after this instant.</summary>
    public DateTimeOffset? Expires { get; init; }

    /// <summary>Do not run after this long from now.</summary>
    public TimeSpan? ExpiresIn { get; init; }

    /// <summary>Message priority 0–9 (on Redis lower runs first, on RabbitMQ higher).</summary>
    public int? Priority { get; init; }

    /// <summary>Custom headers, visible to the task as <see cref="TaskContext.Headers"/>.</summary>
    public IReadOnlyDictionary<string, object?>? Headers { get; init; }

    /// <summary>Hard time limit for this run.</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>Soft time limit for this run.</summary>
    public TimeSpan? SoftTimeLimit { get; init; }

    /// <summary>Name shown in logs and monitors instead of the task name.</summary>
    public string? Shadow { get; init; }

    /// <summary>Do not store the SUCCESS result of this run.</summary>
    public bool? IgnoreResult { get; init; }

    // Set by the canvas and the worker when they send a signature: the workflow fields Celery
    // carries in a signature's options. Users compose canvases instead of setting these.

    /// <summary>The group (or chord header) this task belongs to (header <c>group</c>).</summary>
    internal string? GroupId { get; init; }

    /// <summary>Position in the group (header <c>group_index</c>).</summary>
    internal int? GroupIndex { get; init; }

    /// <summary>Explicit parent id; by default the task running on this flow, if any.</summary>
    internal string? ParentId { get; init; }

    /// <summary>Explicit root id; by default the running task's root, else the task itself.</summary>
    internal string? RootId { get; init; }

    /// <summary>The <c>reply_to</c> frozen into the signature; by default the app's oid.</summary>
    internal string? ReplyTo { get; init; }

    /// <summary>Callbacks, errbacks, chain and chord to carry in the body.</summary>
    internal Protocol.Messages.TaskEmbed? Embed { get; init; }

    /// <summary>
    /// How many times the task was replaced (<c>Task.replace</c>); Celery 5.2.6 passes it as a send
    /// option, which kombu writes into the message properties.
    /// </summary>
    internal int? ReplacedTaskNesting { get; init; }
}
