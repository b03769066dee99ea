namespace Celeriac.Worker;

/// <summary>
/// Requests waiting for their ETA (SPEC §5.3). One timer on the app's clock, armed for the
/// earliest; when it fires every due request is handed on, in ETA order. Holds no execution slot.
/// </summary>
internal sealed class EtaSchedule(TimeProvider clock, Action<TaskRequest> due) : IDisposable
{
    private readonly object _lock = new();
    private readonly PriorityQueue<TaskRequest, (DateTimeOffset Eta, long Seq)> _waiting = new();
    private ITimer? _timer;
    private DateTimeOffset? _armedFor;
    private long _seq;
    private bool _closed;

    public int Count
    {
        get { lock (_lock) return _waiting.Count; }
    }

    /// <summary>Holds <paramref name="request"/> until <paramref name="eta"/>; false once the schedule is closed.</summary>
    public bool Add(TaskRequest request, DateTimeOffset eta)
    {
        lock (_lock)
        {
            if (_closed) return false;
            _waiting.Enqueue(request, (eta, _seq++));
            if (_armedFor is null || eta < _armedFor) Arm(eta);
            return true;
        }
    }

    /// <summary>Closes the schedule and returns what was still waiting, earliest first.</summary>
    public List<TaskRequest> Drain()
    {
        lock (_lock)
        {
            _closed = true;
            _timer?.Dispose();
            var all = new List<TaskRequest>(_waiting.Count);
            while (_waiting.TryDequeue(out var r, out _)) all.Add(r);
            return all;
        }
    }

    public void Dispose() => Drain();

    private void Arm(DateTimeOffset eta)
    {
        _armedFor = eta;
        var delay = eta - clock.GetUtcNow();
        if (delay < TimeSpan.Zero) delay = TimeSpan.Zero;
        if (_timer is null) _timer = clock.CreateTimer(_ => Fire(), null, delay, Timeout.InfiniteTimeSpan);
        else _timer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    private void Fire()
    {
        var ready = new List<TaskRequest>();
        lock (_lock)
        {
            if (_closed) return;
            var now = clock.GetUtcNow();
            while (_waiting.TryPeek(out var r, out var key) && key.Eta <= now)
            {
                _waiting.Dequeue();
                ready.Add(r);
            }
            _armedFor = null;
            if (_waiting.TryPeek(out _, out var next)) Arm(next.Eta);
        }
        foreach (var r in ready) due(r);
    }
}
