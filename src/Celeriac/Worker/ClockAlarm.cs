using Microsoft.Extensions.Logging;

namespace Celeriac.Worker;

/// <summary>
/// A one-shot alarm on a <see cref="TimeProvider"/> for an instant however far ahead. One .NET
/// timer cannot wait longer than <see cref="MaxTimerWait"/> (about 49.7 days; beyond it the timer
/// throws), so the alarm waits at most <see cref="Step"/> at a time and checks the clock again
/// each time it wakes. Whatever <c>ring</c> throws is logged: a timer callback that throws ends
/// the process.
/// </summary>
internal sealed class ClockAlarm : IDisposable
{
    /// <summary>The longest single wait a .NET timer accepts: <c>uint.MaxValue - 1</c> ms.</summary>
    public static readonly TimeSpan MaxTimerWait = TimeSpan.FromMilliseconds(uint.MaxValue - 1.0);

    /// <summary>
    /// The longest the alarm's timer waits before it checks the clock again. A day is far below the
    /// timer's maximum and costs one wake-up a day per alarm for an ETA months ahead.
    /// </summary>
    public static readonly TimeSpan Step = TimeSpan.FromDays(1);

    private readonly object _lock = new();
    private readonly TimeProvider _clock;
    private readonly Action _ring;
    private readonly ILogger _log;
    private ITimer? _timer;
    private DateTimeOffset? _at;
    private bool _disposed;

    public ClockAlarm(TimeProvider clock, Action ring, ILogger log)
    {
        _clock = clock;
        _ring = ring;
        _log = log;
    }

    /// <summary>When the alarm rings next, or null when it is not set.</summary>
    public DateTimeOffset? At
    {
        get { lock (_lock) return _at; }
    }

    /// <summary>Rings once at <paramref name="at"/> (at once when it is past), replacing any earlier setting.</summary>
    public void Set(DateTimeOffset at)
    {
        lock (_lock)
        {
            if (_disposed) return;
            _at = at;
            Arm();
        }
    }

    /// <summary><paramref name="delay"/> after now; a delay past the calendar's end never rings.</summary>
    public void SetAfter(TimeSpan delay) => Set(After(_clock.GetUtcNow(), delay));

    /// <summary><paramref name="delay"/> after <paramref name="now"/>, saturating at the calendar's end instead of overflowing.</summary>
    public static DateTimeOffset After(DateTimeOffset now, TimeSpan delay) =>
        delay >= DateTimeOffset.MaxValue - now ? DateTimeOffset.MaxValue : now + (delay < TimeSpan.Zero ? TimeSpan.Zero : delay);

    /// <summary>
    /// <c>Task.Delay</c> on <paramref name="clock"/> for any <paramref name="delay"/>: the plain
    /// timer when it can wait that long, the alarm's steps when it cannot.
    /// </summary>
    public static async Task DelayAsync(TimeSpan delay, TimeProvider clock, ILogger log, CancellationToken cancellationToken)
    {
        if (delay <= MaxTimerWait)
        {
            await Task.Delay(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, clock, cancellationToken).ConfigureAwait(false);
            return;
        }
        var rang = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var alarm = new ClockAlarm(clock, () => rang.TrySetResult(), log);
        alarm.SetAfter(delay);
        await rang.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An alarm that cancels <paramref name="source"/> after <paramref name="delay"/>; dispose it when the source is done with.</summary>
    public static ClockAlarm CancelAfter(CancellationTokenSource source, TimeSpan delay, TimeProvider clock, ILogger log)
    {
        var alarm = new ClockAlarm(clock, () =>
        {
            // The run may end (and dispose the source) while the alarm rings.
            try { source.Cancel(); }
            catch (ObjectDisposedException) { }
        }, log);
        alarm.SetAfter(delay);
        return alarm;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _at = null;
            _timer?.Dispose();
        }
    }

    // Under _lock.
    private void Arm()
    {
        var wait = _at is { } at ? at - _clock.GetUtcNow() : Timeout.InfiniteTimeSpan;
        if (_at is not null) wait = wait < TimeSpan.Zero ? TimeSpan.Zero : wait > Step ? Step : wait;
        if (_timer is null) _timer = _clock.CreateTimer(static s => ((ClockAlarm)s!).OnTimer(), this, wait, Timeout.InfiniteTimeSpan);
        else _timer.Change(wait, Timeout.InfiniteTimeSpan);
    }

    private void OnTimer()
    {
        try
        {
            lock (_lock)
            {
                if (_disposed || _at is not { } at) return;
                // Woken early (a step of a long wait, or a setting moved later): wait on.
                if (at > _clock.GetUtcNow())
                {
                    Arm();
                    return;
                }
                _at = null;
            }
            _ring();
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "A timer callback failed; the worker carries on");
        }
    }
}
