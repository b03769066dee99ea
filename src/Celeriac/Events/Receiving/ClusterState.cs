namespace Celeriac.Events;

/// <summary>
/// The cluster's live state, folded from its events as <c>celery.events.state.State</c> folds them:
/// workers (online while heartbeats come within <see cref="HeartbeatExpireWindow"/> × their
/// <c>freq</c>, with their counters) and tasks (state machine with Celery's precedence, so an
/// out-of-order <c>task-received</c> after <c>task-started</c> does not regress the state). Memory is
/// bounded: past the maximums the least recently updated worker or task is evicted. Thread-safe:
/// events are applied under a lock and readers get snapshots.
/// </summary>
/// <example>
/// <code>
/// var state = new ClusterState(app);
/// await using var receiver = await EventReceiver.OpenAsync(app, wakeup: true);
/// _ = state.RunAsync(receiver, stopping);
/// foreach (var w in state.Workers) Console.WriteLine($"{w.Hostname}: {(w.IsOnline ? "online" : "offline")}");
/// </code>
/// </example>
public sealed class ClusterState
{
    /// <summary>Celery's <c>HEARTBEAT_EXPIRE_WINDOW</c> (200%): a worker is offline after <c>freq × 2</c> seconds of silence.</summary>
    public const double HeartbeatExpireWindow = 2.0;

    private readonly TimeProvider _time;
    private readonly BoundedLru<WorkerRecord> _workers;
    private readonly BoundedLru<TaskRecord> _tasks;
    private readonly Lock _gate = new();
    private long _eventCount;

    /// <summary>A state that tells time with the app's <see cref="CeleriacOptions.TimeProvider"/>.</summary>
    public ClusterState(CeleriacApp app, int maxWorkers = 5000, int maxTasks = 10000)
        : this((app ?? throw new ArgumentNullException(nameof(app))).Options.TimeProvider, maxWorkers, maxTasks)
    {
    }

    /// <summary>A state that tells time with <paramref name="timeProvider"/> (Celery's defaults: 5,000 workers, 10,000 tasks).</summary>
    public ClusterState(TimeProvider? timeProvider = null, int maxWorkers = 5000, int maxTasks = 10000)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxWorkers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTasks);
        _time = timeProvider ?? TimeProvider.System;
        _workers = new BoundedLru<WorkerRecord>(maxWorkers);
        _tasks = new BoundedLru<TaskRecord>(maxTasks);
    }

    /// <summary>How many events were applied.</summary>
    public long EventCount => Interlocked.Read(ref _eventCount);

    /// <summary>Applies every event <paramref name="receiver"/> yields until <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(EventReceiver receiver, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        await foreach (var e in receiver.ReadAllAsync(cancellationToken).ConfigureAwait(false)) Apply(e);
    }

    /// <summary>Folds one event in. Events of other groups only count.</summary>
    public void Apply(CeleryEventInfo e)
    {
        ArgumentNullException.ThrowIfNull(e);
        Interlocked.Increment(ref _eventCount);
        lock (_gate)
        {
            switch (e.Group)
            {
                case "worker" when e.Hostname.Length > 0:
                    _workers.GetOrAdd(e.Hostname, h => new WorkerRecord(h)).Apply(e);
                    break;
                case "task" when e.TaskId is { } id:
                    var task = _tasks.GetOrAdd(id, i => new TaskRecord(i));
                    if (e.Subject == "sent") task.Client = e.Hostname;
                    else if (e.Hostname.Length > 0)
                    {
                        task.Worker = e.Hostname;
                        // A task event is a sign of life of its worker too, as in Celery.
                        _workers.GetOrAdd(e.Hostname, h => new WorkerRecord(h)).Beat(e.LocalReceived);
                    }
                    task.Apply(e);
                    break;
            }
        }
    }

    /// <summary>Every known worker, online or not, least recently updated first.</summary>
    public IReadOnlyList<WorkerSnapshot> Workers
    {
        get
        {
            var now = Now;
            lock (_gate) return _workers.Values.Select(w => w.Snapshot(now)).ToList();
        }
    }

    /// <summary>The workers online now.</summary>
    public IReadOnlyList<WorkerSnapshot> AliveWorkers => Workers.Where(w => w.IsOnline).ToList();

    /// <summary>Every known task, least recently updated first.</summary>
    public IReadOnlyList<TaskSnapshot> Tasks
    {
        get
        {
            lock (_gate) return _tasks.Values.Select(t => t.Snapshot()).ToList();
        }
    }

    /// <summary>One worker, or null when unknown (or evicted).</summary>
    public WorkerSnapshot? GetWorker(string hostname)
    {
        var now = Now;
        lock (_gate) return _workers.TryGet(hostname, out var w) ? w.Snapshot(now) : null;
    }

    /// <summary>One task, or null when unknown (or evicted).</summary>
    public TaskSnapshot? GetTask(string taskId)
    {
        lock (_gate) return _tasks.TryGet(taskId, out var t) ? t.Snapshot() : null;
    }

    private double Now => _time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
}
