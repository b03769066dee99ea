namespace Celeriac.Beat;

/// <summary>
/// A beat's signal stream. Handlers run on the beat's loop and must be quick; one that throws is
/// ignored, so observing never breaks the beat. <see cref="Sleeps"/> and <see cref="SleepingUntil"/>
/// let a test on a virtual clock step the loop: advance to its wake time, then wait for the next sleep.
/// </summary>
internal sealed class BeatSignals
{
    private readonly object _lock = new();
    private readonly List<(long After, TaskCompletionSource Signal)> _sleepWaiters = [];
    private long _sleeps;
    private DateTimeOffset? _sleepingUntil;

    public event Action<BeatSignal>? Raised;

    /// <summary>How many times the loop has gone to sleep.</summary>
    public long Sleeps
    {
        get { lock (_lock) return _sleeps; }
    }

    /// <summary>When the sleeping loop wakes next; null while it works (or before it first sleeps).</summary>
    public DateTimeOffset? SleepingUntil
    {
        get { lock (_lock) return _sleepingUntil; }
    }

    /// <summary>Completes once the loop has gone to sleep more than <paramref name="after"/> times.</summary>
    public Task WaitForSleepAsync(long after, TimeSpan? timeout = null)
    {
        TaskCompletionSource signal;
        lock (_lock)
        {
            if (_sleeps > after) return Task.CompletedTask;
            signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _sleepWaiters.Add((after, signal));
        }
        return signal.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
    }

    internal void Awake()
    {
        lock (_lock) _sleepingUntil = null;
    }

    public void Raise(BeatSignal signal)
    {
        List<TaskCompletionSource> wake = [];
        if (signal.Kind == BeatSignalKind.Sleeping)
        {
            lock (_lock)
            {
                _sleeps++;
                _sleepingUntil = signal.At;
                foreach (var waiter in _sleepWaiters.Where(w => _sleeps > w.After).ToList())
                {
                    _sleepWaiters.Remove(waiter);
                    wake.Add(waiter.Signal);
                }
            }
        }
        var handlers = Raised;
        if (handlers is not null)
        {
            foreach (var handler in handlers.GetInvocationList().Cast<Action<BeatSignal>>())
            {
                try { handler(signal); }
                catch { /* an observer's bug must not stop the beat */ }
            }
        }
        foreach (var w in wake) w.TrySetResult();
    }
}
