namespace Celeriac.Worker;

/// <summary>What a worker just did; raised after the effect is visible (stored, settled).</summary>
internal enum WorkerSignalKind
{
    /// <summary>The worker consumes.</summary>
    Ready,
    /// <summary>A valid task message was reserved.</summary>
    Received,
    /// <summary>A task began running.</summary>
    Started,
    /// <summary>A task finished and its result and settlement went through.</summary>
    Completed,
    /// <summary>A message was rejected (malformed, refused, unknown task).</summary>
    Rejected,
    /// <summary>A message went back to its queue (shutdown).</summary>
    Restored,
    /// <summary>The worker stopped.</summary>
    Stopped,
}

/// <summary>One signal; tests await these instead of sleeping.</summary>
internal sealed record WorkerSignal(WorkerSignalKind Kind, string? TaskId = null, string? State = null, string? Reason = null);
