using Microsoft.Extensions.Logging;

namespace Celeriac.Worker;

/// <summary>
/// Celery's autoscaler (<c>celery.worker.autoscale.Autoscaler</c>, 5.2.6) on the app's clock: once
/// a second it compares the backlog (requests waiting for a slot plus those running, Celery's
/// <c>reserved_requests</c>) with the pool. Under load the pool grows at once to the backlog, at
/// most Max; once <c>keepalive</c> has passed since it last grew, it shrinks at once to the backlog,
/// at least Min. Shrinking never cuts a task short: the backlog counts the running ones.
/// </summary>
/// <remarks>
/// One difference: Celery never shrinks a pool that has not grown since start (its last scale-up
/// time is unset); here the start counts as the last scale-up, so a pool raised by the
/// <c>autoscale</c> command and then given a lower Min comes back down.
/// </remarks>
internal sealed class PoolAutoscaler : IDisposable
{
    /// <summary>How often the backlog is looked at (Celery's autoscaler thread sleeps a second).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly object _lock = new();
    private readonly TimeProvider _clock;
    private readonly TimeSpan _keepalive;
    private readonly Func<int> _backlog;
    private readonly Func<int> _slots;
    private readonly Action<int> _resize;
    private readonly ILogger _log;
    private readonly ClockAlarm _alarm;
    private int _max;
    private int _min;
    private DateTimeOffset _lastScaleUp;

    /// <param name="clock">The app's clock.</param>
    /// <param name="bounds">Max and Min slots.</param>
    /// <param name="keepalive">How long after growing the pool may shrink.</param>
    /// <param name="backlog">Requests waiting for a slot plus running ones.</param>
    /// <param name="slots">The pool's size now.</param>
    /// <param name="resize">Sets the pool's size.</param>
    /// <param name="log">Where scaling is logged.</param>
    public PoolAutoscaler(TimeProvider clock, (int Max, int Min) bounds, TimeSpan keepalive, Func<int> backlog, Func<int> slots, Action<int> resize, ILogger log)
    {
        _clock = clock;
        (_max, _min) = bounds;
        _keepalive = keepalive;
        _backlog = backlog;
        _slots = slots;
        _resize = resize;
        _log = log;
        _lastScaleUp = clock.GetUtcNow();
        _alarm = new ClockAlarm(clock, Tick, log);
    }

    /// <summary>The bounds now.</summary>
    public (int Max, int Min) Bounds
    {
        get { lock (_lock) return (_max, _min); }
    }

    /// <summary>Starts looking at the backlog every <see cref="Interval"/>.</summary>
    public void Start() => _alarm.SetAfter(Interval);

    /// <summary>
    /// The <c>autoscale</c> command (Celery's <c>Autoscaler.update</c>): a Max below the pool shrinks
    /// it to Max, a Min above it grows it to Min; the next looks go by the new bounds.
    /// </summary>
    public (int Max, int Min) Update(int max, int min)
    {
        if (max < 1 || min < 0 || min > max) throw new ArgumentException($"autoscale needs 1 ≤ max and 0 ≤ min ≤ max (got max={max} min={min})");
        lock (_lock)
        {
            if (max < _slots())
            {
                _log.LogInformation("Scaling down to {Slots} slots (autoscale max)", max);
                _resize(max);
            }
            if (min > _slots())
            {
                _log.LogInformation("Scaling up to {Slots} slots (autoscale min)", min);
                _resize(min);
            }
            (_max, _min) = (max, min);
            return (_max, _min);
        }
    }

    /// <summary>One look at the backlog (Celery's <c>_maybe_scale</c>); true when the pool changed.</summary>
    public bool MaybeScale()
    {
        lock (_lock)
        {
            var procs = _slots();
            var qty = _backlog();
            var up = Math.Min(qty, _max);
            if (up > procs)
            {
                _lastScaleUp = _clock.GetUtcNow();
                _log.LogInformation("Scaling up {Count} slot(s) to {Slots}", up - procs, up);
                _resize(up);
                return true;
            }
            var down = Math.Max(qty, _min);
            if (down < procs && _clock.GetUtcNow() - _lastScaleUp > _keepalive)
            {
                _log.LogInformation("Scaling down {Count} slot(s) to {Slots}", procs - down, down);
                _resize(down);
                return true;
            }
            return false;
        }
    }

    public void Dispose() => _alarm.Dispose();

    private void Tick()
    {
        try
        {
            MaybeScale();
        }
        finally
        {
            _alarm.SetAfter(Interval); // a no-op once disposed
        }
    }
}
