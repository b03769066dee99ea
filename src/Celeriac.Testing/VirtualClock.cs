namespace Celeriac.Testing;

/// <summary>
/// A <see cref="TimeProvider"/> that stands still until a test moves it. Timers (and so
/// <c>Task.Delay(…, clock)</c>, ETAs, countdowns, retry backoffs, expiries, rate-limit refills and
/// time limits of a worker on this clock) fire when <see cref="Advance"/> passes their due time.
/// Time may be advanced by any span (years at once), but a single timer accepts the same waits
/// as the system's: at most <c>uint.MaxValue - 1</c> ms (about 49.7 days), or an
/// <see cref="ArgumentOutOfRangeException"/>, so code that passes its tests on this clock does
/// not throw on the real one.
/// </summary>
/// <example>
/// <code>
/// var clock = new VirtualClock();
/// await using var harness = CeleriacTestHarness.Create(o => o.TimeProvider = clock);
/// // … send a task with a 60 s countdown, then:
/// await clock.WaitForTimersAsync(1);
/// clock.Advance(TimeSpan.FromSeconds(60));
/// </code>
/// </example>
public sealed class VirtualClock : TimeProvider
{
    private readonly object _lock = new();
    private readonly List<VirtualTimer> _timers = [];
    private readonly List<(int Count, TaskCompletionSource Signal)> _timerWaiters = [];
    private DateTimeOffset _now;

    /// <summary>Starts at <paramref name="start"/> (UTC), or 2030-01-01T00:00:00Z.</summary>
    public VirtualClock(DateTimeOffset? start = null) =>
        _now = (start ?? new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero)).ToUniversalTime();

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock) return _now;
    }

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <summary>Timers armed and not yet fired or disposed.</summary>
    public int PendingTimers
    {
        get { lock (_lock) return _timers.Count(t => t.Due is not null); }
    }

    /// <summary>The earliest due time of an armed timer, or null.</summary>
    public DateTimeOffset? NextDue
    {
        get { lock (_lock) return _timers.Where(t => t.Due is not null).Select(t => t.Due).Min(); }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException">A wait or period over <c>uint.MaxValue - 1</c> ms, as the system clock's timers throw.</exception>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        CheckSpan(dueTime, nameof(dueTime));
        CheckSpan(period, nameof(period));
        var timer = new VirtualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>
    /// Waits (in real time, up to <paramref name="timeout"/>) until at least <paramref name="count"/>
    /// timers are armed: the moment the code under test has scheduled what the test will fire.
    /// </summary>
    public Task WaitForTimersAsync(int count, TimeSpan? timeout = null)
    {
        TaskCompletionSource signal;
        lock (_lock)
        {
            if (_timers.Count(t => t.Due is not null) >= count) return Task.CompletedTask;
            signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _timerWaiters.Add((count, signal));
        }
        return signal.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(10));
    }

    /// <summary>Moves time forward, firing every timer that falls due on the way, in due order.</summary>
    public void Advance(TimeSpan by)
    {
        if (by < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(by), "Time only moves forward.");
        DateTimeOffset target;
        lock (_lock) target = _now + by;
        while (true)
        {
            VirtualTimer? next;
            lock (_lock)
            {
                next = _timers.Where(t => t.Due is { } d && d <= target).OrderBy(t => t.Due).FirstOrDefault();
                if (next is null)
                {
                    _now = target;
                    return;
                }
                _now = next.Due!.Value;
                next.Due = next.Period > TimeSpan.Zero ? _now + next.Period : null;
            }
            next.Fire(); // outside the lock: callbacks may create or change timers
        }
    }

    /// <summary>The system timer's bounds (System.Threading.Timer): -1 ms (infinite) up to <c>uint.MaxValue - 1</c> ms.</summary>
    internal static void CheckSpan(TimeSpan span, string name)
    {
        var ms = (long)span.TotalMilliseconds;
        if (ms < -1 || ms > MaxTimerMilliseconds)
            throw new ArgumentOutOfRangeException(name, span, $"A timer waits at most {MaxTimerMilliseconds} ms (about 49.7 days), as the system clock's timers do.");
    }

    private const long MaxTimerMilliseconds = uint.MaxValue - 1L;

    internal void Arm(VirtualTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        List<TaskCompletionSource> wake = [];
        lock (_lock)
        {
            timer.Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
            timer.Due = dueTime == Timeout.InfiniteTimeSpan ? null : _now + (dueTime < TimeSpan.Zero ? TimeSpan.Zero : dueTime);
            if (!_timers.Contains(timer)) _timers.Add(timer);
            var armed = _timers.Count(t => t.Due is not null);
            foreach (var w in _timerWaiters.Where(w => armed >= w.Count).ToList())
            {
                _timerWaiters.Remove(w);
                wake.Add(w.Signal);
            }
        }
        foreach (var w in wake) w.TrySetResult();
        // A timer due now fires now, as a real clock's would, without waiting for an Advance.
        if (dueTime != Timeout.InfiniteTimeSpan && dueTime <= TimeSpan.Zero) ThreadPool.QueueUserWorkItem(_ => FireIfDue(timer));
    }

    private void FireIfDue(VirtualTimer timer)
    {
        lock (_lock)
        {
            if (timer.Due is not { } due || due > _now) return;
            timer.Due = timer.Period > TimeSpan.Zero ? _now + timer.Period : null;
        }
        timer.Fire();
    }

    internal void Remove(VirtualTimer timer)
    {
        lock (_lock) _timers.Remove(timer);
    }
}
