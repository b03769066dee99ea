namespace Celeriac.Redis.Backend;

/// <summary>
/// One task result somebody waits for: its channel, how many waiters share it, whether the channel
/// is subscribed, and the ready meta once seen. All waiters of a task share one entry and one
/// subscription; each waits on <see cref="Ready"/> with its own cancellation.
/// </summary>
internal sealed class WaitedResult(string taskId, string channel)
{
    /// <summary>The task id.</summary>
    public string TaskId { get; } = taskId;

    /// <summary>The result key, which is also the channel its metas are published on (docs/protocol.md §4.3).</summary>
    public string Channel { get; } = channel;

    /// <summary>Waiters sharing the entry; changed only under <see cref="ResultWaiters"/>' lock.</summary>
    public int Waiters { get; set; }

    /// <summary>
    /// Completes once Redis confirmed the subscription; faults when subscribing failed. Its
    /// continuations (the waiter's GET) run on the completing thread, never under a lock: no hop.
    /// </summary>
    public TaskCompletionSource Subscribed { get; } = new();

    /// <summary>The first ready meta seen (published or read), as its JSON bytes.</summary>
    public TaskCompletionSource<ReadOnlyMemory<byte>> Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Set once the key was read after the subscription was confirmed (with the other keys of the
    /// same SUBSCRIBE), so the waiters need not read it themselves.
    /// </summary>
    public bool Read { get; set; }

    /// <summary>True while the subscription is live and nothing ready has been seen yet.</summary>
    public bool NeedsRecheck => Subscribed.Task.IsCompletedSuccessfully && !Ready.Task.IsCompleted;
}
