namespace Celeriac.Beat;

/// <summary>What a beat's loop just did (internal: tests and the benchmark await these instead of sleeping).</summary>
internal enum BeatSignalKind
{
    /// <summary>This beat took the lease and publishes.</summary>
    LeaseAcquired,
    /// <summary>This beat lost (or gave up) the lease and stands by.</summary>
    LeaseLost,
    /// <summary>A run was published (<see cref="BeatSignal.Entry"/>, <see cref="BeatSignal.Slot"/>, <see cref="BeatSignal.TaskId"/>, <see cref="BeatSignal.At"/>).</summary>
    Published,
    /// <summary>A missed run was skipped by its entry's policy.</summary>
    Skipped,
    /// <summary>The run-time edits at a new version were applied.</summary>
    EditsApplied,
    /// <summary>The loop went to sleep until <see cref="BeatSignal.At"/>; its timer is armed.</summary>
    Sleeping,
    /// <summary>A store or broker call failed; the loop retries.</summary>
    Error,
    /// <summary>The loop ended (stop).</summary>
    Stopped,
}

/// <summary>One signal of a beat's loop (<see cref="Task"/>: the task name of a published run).</summary>
internal readonly record struct BeatSignal(BeatSignalKind Kind, string? Entry = null, DateTimeOffset Slot = default, string? TaskId = null, DateTimeOffset At = default,
    string? Task = null);
