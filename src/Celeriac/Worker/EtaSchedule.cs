using Microsoft.Extensions.Logging;

namespace Celeriac.Worker;

/// <summary>
/// Requests waiting for their ETA (docs/protocol.md §5.3). One alarm on the app's clock, set for the earliest;
/// when it rings every due request is handed on, in ETA order. Holds no execution slot. An ETA
/// however far ahead (months, years) is held: the alarm waits in bounded steps (<see cref="ClockAlarm"/>),
/// where one .NET timer would throw past about 49.7 days.
/// </summary>
internal sealed class EtaSchedule : IDisposable
{
    private readonly object _lock = new();
    private readonly PriorityQueue<TaskRequest, (DateTimeOffset Eta, long Seq)> _waiting = new();
    private readonly TimeProvider _clock;
    private readonly Action<TaskRequest> _due;
    private readonly ILogger _log;
    private readonly ClockAlarm _alarm;
    private long _seq;
    private bool _closed;

    public EtaSchedule(TimeProvider clock, Action<TaskRequest> due, ILogger log)
    {
        _clock = clock;
        _due = due;
        _log = log;
        _alarm = new ClockAlarm(clock, Fire, log);
    }

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
            if (_alarm.At is not { } at || eta < at) _alarm.Set(eta);
            return true;
        }
    }

    /// <summary>Closes the schedule and returns what was still waiting, earliest first.</summary>
    public List<TaskRequest> Drain()
    {
        lock (_lock)
        {
            _closed = true;
            _alarm.Dispose();
            var all = new List<TaskRequest>(_waiting.Count);
            while (_waiting.TryDequeue(out var r, out _)) all.Add(r);
            return all;
        }
    }

    public void Dispose() => Drain();

    private void Fire()
    {
        var ready = new List<TaskRequest>();
        lock (_lock)
        {
            if (_closed) return;
            var now = _clock.GetUtcNow();
            while (_waiting.TryPeek(out var r, out var key) && key.Eta <= now)
            {
                _waiting.Dequeue();
                ready.Add(r);
            }
            if (_waiting.TryPeek(out _, out var next)) _alarm.Set(next.Eta);
        }
        foreach (var r in ready)
        {
            try
            {
                _due(r);
            }
            catch (Exception ex)
            {
                // Each due request on its own: one that cannot be handed on must not strand the rest.
                _log.LogError(ex, "Task {Task}[{TaskId}] came due but could not be handed on", r.Message.Task, r.Message.Id);
            }
        }
    }
}
