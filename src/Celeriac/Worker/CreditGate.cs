namespace Celeriac.Worker;

/// <summary>
/// The prefetch credit. A delivery holds one credit from fetch until it is settled; while it is
/// parked (ETA or rate limit) it does not count, as Celery raises the prefetch count by one for
/// each held ETA task (docs/protocol.md §5.1) — but parked deliveries are bounded: at the bound the worker
/// stops fetching instead of filling memory.
/// </summary>
/// <param name="limit">Prefetch credit (concurrency × multiplier).</param>
/// <param name="parkedLimit">Most deliveries parked at once.</param>
/// <param name="slots">Execution slots: while more deliveries than this are in hand, none idles.</param>
internal sealed class CreditGate(int limit, int parkedLimit, int slots)
{
    private readonly object _lock = new();
    private int _limit = limit;
    private int _slots = slots;
    private int _held;
    private int _parked;
    private TaskCompletionSource? _changed;

    /// <summary>Deliveries holding credit or parked.</summary>
    public int Held
    {
        get { lock (_lock) return _held; }
    }

    /// <summary>The prefetch credit now (it follows the pool's size).</summary>
    public int Limit
    {
        get { lock (_lock) return _limit; }
    }

    /// <summary>Deliveries parked for an ETA or a rate limit.</summary>
    public int Parked
    {
        get { lock (_lock) return _parked; }
    }

    /// <summary>
    /// Waits until credit is free and parking is below its bound; takes up to <paramref name="max"/>.
    /// While more deliveries are in hand than there are slots (so no slot idles), it waits until
    /// half the credit is free: taking each credit the moment it frees would make every receive
    /// under load a few messages, each paying a round trip and a batch of bookkeeping.
    /// </summary>
    public async ValueTask<int> AcquireAsync(int max, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_lock)
            {
                var free = _limit - (_held - _parked);
                // Any message of a batch may turn out to be an ETA one and park: never ask for more
                // than the parking bound still has room for, or one batch overshoots it.
                var room = parkedLimit - _parked;
                var wanted = _held - _parked > _slots ? Math.Min(max, (_limit + 1) / 2) : 1;
                if (free >= wanted && room > 0)
                {
                    var n = Math.Min(max, Math.Min(free, room));
                    _held += n;
                    return n;
                }
                wait = (_changed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }
            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The pool grew or shrank (docs/protocol.md §5.1: the prefetch count follows the pool, as Celery's
    /// <c>_update_prefetch_count</c>). Credit already held stays held: a smaller limit only means
    /// fetching waits until enough is settled.
    /// </summary>
    public void Resize(int limit, int slots)
    {
        lock (_lock)
        {
            _limit = limit;
            _slots = slots;
        }
        Wake();
    }

    /// <summary>Gives credit back: asked for but not delivered, or settled.</summary>
    public void Release(int count)
    {
        if (count <= 0) return;
        lock (_lock) _held -= count;
        Wake();
    }

    /// <summary>The delivery waits for its ETA or a token: its credit is free for others meanwhile.</summary>
    public void Park()
    {
        lock (_lock) _parked++;
        Wake();
    }

    /// <summary>The parked delivery moves on (to a slot, or back to the broker): it counts again.</summary>
    public void Unpark()
    {
        lock (_lock) _parked--;
        Wake();
    }

    private void Wake()
    {
        TaskCompletionSource? wake;
        lock (_lock)
        {
            wake = _changed;
            _changed = null;
        }
        wake?.TrySetResult();
    }
}
