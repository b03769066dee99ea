namespace Celeriac.Dashboard.Store;

/// <summary>A task as stored: the merge of every event seen for it.</summary>
public sealed record TaskRecord : TaskFields
{
    /// <summary>The task id.</summary>
    public required string Id { get; init; }
    /// <summary>The latest state (by event timestamp).</summary>
    public required string State { get; init; }
    /// <summary>When the store first heard of it.</summary>
    public required DateTimeOffset FirstSeen { get; init; }
    /// <summary>The timestamp of its latest event.</summary>
    public required DateTimeOffset Updated { get; init; }
    /// <summary>When a client sent it (<c>task-sent</c>, sent only with <c>task_send_sent_event</c>).</summary>
    public DateTimeOffset? Sent { get; init; }
    /// <summary>When it was received by a worker.</summary>
    public DateTimeOffset? Received { get; init; }
    /// <summary>When it started.</summary>
    public DateTimeOffset? Started { get; init; }
    /// <summary>When it reached a final state (success, failure, revoked, rejected).</summary>
    public DateTimeOffset? Finished { get; init; }
    /// <summary>
    /// How long it waited in its queue: from when it was sent (or received, without a <c>task-sent</c>; the earlier of
    /// the two, as a client stamps task-sent only after publishing) to when it started; never negative.
    /// </summary>
    public TimeSpan? QueueWait => Started is { } started && Earliest(Sent, Received) is { } since ? (started > since ? started - since : TimeSpan.Zero) : null;

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => a is { } x && b is { } y ? (x < y ? x : y) : a ?? b;
}
