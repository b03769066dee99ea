using Celeriac.Transport;
using Microsoft.Extensions.Logging;

namespace Celeriac.Worker;

/// <content>
/// The execution pool's size at run time — pool_grow/pool_shrink, autoscale — and the queues consumed.
/// A pool is a number of slot loops reading the reserved channel. Growing starts loops; shrinking
/// lowers the target, and a loop above it retires when it is between tasks (a running task is never
/// cut short; an idle loop is woken to retire). Prefetch credit follows: slots × multiplier, or
/// Max × multiplier when autoscaling, as Celery's prefetch count does (docs/protocol.md §5.1).
/// </content>
public sealed partial class CeleriacWorker
{
    private readonly object _pool = new();
    private readonly SemaphoreSlim _queueChanges = new(1, 1);
    private List<string> _queues = [];
    private int _slotTarget;
    private int _slotLive;
    private bool _slotsStarted;
    private CancellationTokenSource? _slotWake;
    private PoolAutoscaler? _autoscaler;
    private int? _autoscaleMax; // the credit's slots when autoscaling (the autoscaler's Max), read under _pool

    /// <summary>Execution slots now (what <c>stats</c> reports as <c>max-concurrency</c>).</summary>
    internal int Concurrency => Volatile.Read(ref _slotTarget);

    /// <summary>Slot loops running now: above <see cref="Concurrency"/> while surplus ones finish their task after a shrink.</summary>
    internal int LiveSlots => Volatile.Read(ref _slotLive);

    /// <summary>The autoscaler's bounds, or null when the pool has a fixed size.</summary>
    internal (int Max, int Min)? AutoscaleBounds => _autoscaler?.Bounds;

    /// <summary>
    /// What <c>stats</c> reports as <c>autoscaler</c> when autoscaling (Celery's <c>Autoscaler.info()</c>:
    /// <c>max</c>, <c>min</c>, <c>current</c> slots and <c>qty</c>, the backlog), or null.
    /// </summary>
    internal (int Max, int Min, int Current, int Qty)? AutoscalerInfo =>
        _autoscaler?.Bounds is { } bounds ? (bounds.Max, bounds.Min, Concurrency, Backlog()) : null;

    /// <summary>
    /// Adds <paramref name="n"/> slots. Refused while autoscaling, as Celery 5.2.6 refuses it
    /// (the <c>autoscale</c> command moves the bounds instead).
    /// </summary>
    /// <exception cref="InvalidOperationException">The pool is autoscaled.</exception>
    internal void GrowPool(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (_autoscaler is not null) throw new InvalidOperationException("pool_grow is not supported with autoscale. Adjust autoscale range instead.");
        lock (_pool) ResizePool(_slotTarget + n);
    }

    /// <summary>
    /// Removes <paramref name="n"/> slots, never below one; a running task finishes first. Refused
    /// while autoscaling, as Celery 5.2.6 refuses it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The pool is autoscaled.</exception>
    internal void ShrinkPool(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (_autoscaler is not null) throw new InvalidOperationException("pool_shrink is not supported with autoscale. Adjust autoscale range instead.");
        lock (_pool) ResizePool(Math.Max(1, _slotTarget - n));
    }

    /// <summary>Sets the autoscaler's bounds (the <c>autoscale</c> command); prefetch follows Max.</summary>
    /// <exception cref="InvalidOperationException">The pool is not autoscaled (Celery: "Autoscale not enabled").</exception>
    /// <exception cref="ArgumentException">Max below 1, Min below 0 or above Max.</exception>
    internal void SetAutoscale(int max, int min)
    {
        var scaler = _autoscaler ?? throw new InvalidOperationException("Autoscale not enabled");
        scaler.Update(max, min);
        lock (_pool)
        {
            _autoscaleMax = max;
            _credit.Resize(Options.PrefetchFor(max), _slotTarget);
        }
    }

    /// <summary>The queues consumed now, in the order they were added.</summary>
    internal IReadOnlyList<string> ConsumingQueues
    {
        get { lock (_pool) return _queues.ToArray(); }
    }

    /// <summary>Starts consuming one more queue (declaring it first); false when already consumed.</summary>
    /// <exception cref="NotSupportedException">The transport's consumer cannot change its queues.</exception>
    internal async Task<bool> AddQueueAsync(string queue, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queue);
        await _queueChanges.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (ConsumingQueues.Contains(queue, StringComparer.Ordinal)) return false;
            var consumer = QueueSet();
            await _app.Transport.DeclareQueueAsync(queue, cancellationToken).ConfigureAwait(false);
            if (!await consumer.AddQueueAsync(queue, cancellationToken).ConfigureAwait(false)) return false;
            lock (_pool) _queues = [.. _queues, queue];
            _log.LogInformation("{Hostname} now consumes {Queue}", Hostname, queue);
            return true;
        }
        finally
        {
            _queueChanges.Release();
        }
    }

    /// <summary>Stops consuming a queue; false when it was not consumed. What was taken from it is still run or given back.</summary>
    /// <exception cref="NotSupportedException">The transport's consumer cannot change its queues.</exception>
    internal async Task<bool> CancelQueueAsync(string queue, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queue);
        await _queueChanges.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!ConsumingQueues.Contains(queue, StringComparer.Ordinal)) return false;
            if (!await QueueSet().CancelQueueAsync(queue, cancellationToken).ConfigureAwait(false)) return false;
            lock (_pool) _queues = _queues.Where(q => q != queue).ToList();
            _log.LogInformation("{Hostname} no longer consumes {Queue}", Hostname, queue);
            return true;
        }
        finally
        {
            _queueChanges.Release();
        }
    }

    private IQueueSetConsumer QueueSet() =>
        _consumer as IQueueSetConsumer
        ?? throw new NotSupportedException(_consumer is null
            ? "The worker is not consuming yet."
            : $"The {_app.Transport.GetType().Name} consumer cannot change its queues while it runs.");

    /// <summary>The pool's first size and credit, before start: Min slots when autoscaling (as Celery), else Concurrency.</summary>
    private void InitPool()
    {
        _queues = Options.Queues.Distinct(StringComparer.Ordinal).ToList();
        _slotTarget = Options.Autoscale?.Min ?? Options.Concurrency;
        _autoscaleMax = Options.Autoscale?.Max;
        if (Options.Autoscale is { } bounds)
            _autoscaler = new PoolAutoscaler(_app.Options.TimeProvider, bounds, Options.AutoscaleKeepalive, Backlog, () => Concurrency, Autoscaled, _log);
    }

    /// <summary>Starts the slot loops (and the autoscaler) once the consumer and completer exist.</summary>
    private void StartPool()
    {
        lock (_pool)
        {
            Volatile.Write(ref _slotWake, new CancellationTokenSource());
            _slotsStarted = true;
            ResizePool(_slotTarget);
        }
        _autoscaler?.Start();
    }

    /// <summary>Stops the autoscaler: shutdown is under way and the pool's size no longer matters.</summary>
    private void StopPool() => _autoscaler?.Dispose();

    // Celery's reserved_requests: admitted (past ETA and rate limit) and not finished.
    private int Backlog() => _reserved.Reader.Count + _running.Count;

    private void Autoscaled(int slots)
    {
        lock (_pool) ResizePool(slots);
    }

    // Under _pool.
    private void ResizePool(int target)
    {
        var shrinking = target < _slotTarget;
        Volatile.Write(ref _slotTarget, target);
        // Not the autoscaler's Bounds: its lock is taken before this one when it resizes.
        _credit.Resize(Options.PrefetchFor(_autoscaleMax ?? target), target);
        if (!_slotsStarted || _taking.IsCancellationRequested) return;
        if (shrinking)
        {
            // Idle loops wait on this token: waking them lets the surplus ones retire now rather than
            // at the next message. Not disposed (a loop may be reading it), which costs nothing: it
            // is linked to nothing and has no timer, and a wait's registration ends with the wait.
            var wake = _slotWake!;
            Volatile.Write(ref _slotWake, new CancellationTokenSource());
            wake.Cancel();
        }
        var missing = target - _slotLive;
        if (missing <= 0) return;
        _slotLive += missing;
        var started = new Task[missing];
        for (var i = 0; i < missing; i++) started[i] = Task.Run(SlotAsync);
        // Shutdown waits for _slots: loops that retired are done and dropped from it.
        _slots = [.. _slots.Where(s => !s.IsCompleted), .. started];
    }

    /// <summary>Whether this slot loop is surplus (the pool shrank) and leaves; it then no longer counts as live.</summary>
    private bool RetireSlot()
    {
        if (Volatile.Read(ref _slotLive) <= Volatile.Read(ref _slotTarget)) return false;
        lock (_pool)
        {
            if (_slotLive <= _slotTarget) return false;
            _slotLive--;
            return true;
        }
    }

    /// <summary>
    /// What an idle slot loop waits with besides the reserved channel: cancelled to wake it when the
    /// pool shrinks. A stop wakes it by completing the channel.
    /// </summary>
    private CancellationToken SlotIdleToken => Volatile.Read(ref _slotWake)!.Token;
}
