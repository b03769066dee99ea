namespace Celeriac.Dashboard.Ingestion;

/// <summary>
/// Tells live pages what ingestion wrote: after each batch the ingestor calls <see cref="Publish"/>, and each
/// listener (one per open <c>/api/live</c> stream) collects the changes until it takes them, so a slow client
/// gets one coalesced change rather than a queue of them — memory per listener stays bounded.
/// </summary>
internal sealed class DashboardChanges(TimeProvider time)
{
    /// <summary>Task ids one change carries at most; past it, the page refetches what it shows anyway.</summary>
    public const int MaxTaskIds = 200;

    private readonly Lock _lock = new();
    private readonly List<Listener> _listeners = [];

    public DashboardChanges() : this(TimeProvider.System) { }

    /// <summary>Listeners open now.</summary>
    public int ListenerCount { get { lock (_lock) return _listeners.Count; } }

    /// <summary>Records a written batch's task ids and workers for every listener and wakes them.</summary>
    public void Publish(IEnumerable<string> taskIds, IEnumerable<string> workers)
    {
        var tasks = taskIds as IReadOnlyCollection<string> ?? [.. taskIds];
        var hosts = workers as IReadOnlyCollection<string> ?? [.. workers];
        if (tasks.Count == 0 && hosts.Count == 0) return;
        var at = time.GetUtcNow();
        lock (_lock)
            foreach (var l in _listeners) l.Add(tasks, hosts, at);
    }

    /// <summary>Starts collecting changes for one client; dispose it when the client goes.</summary>
    public Listener Listen()
    {
        var listener = new Listener(this);
        lock (_lock) _listeners.Add(listener);
        return listener;
    }

    private void Remove(Listener listener)
    {
        lock (_lock) _listeners.Remove(listener);
    }

    /// <summary>One client's pending changes.</summary>
    internal sealed class Listener(DashboardChanges owner) : IDisposable
    {
        private readonly HashSet<string> _tasks = new(StringComparer.Ordinal);
        private readonly HashSet<string> _workers = new(StringComparer.Ordinal);
        private DateTimeOffset _at;
        private bool _pending;
        private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

        // Called under the owner's lock; the listener's own lock orders it against TakeAsync.
        internal void Add(IReadOnlyCollection<string> tasks, IReadOnlyCollection<string> workers, DateTimeOffset at)
        {
            TaskCompletionSource signal;
            lock (_tasks)
            {
                foreach (var t in tasks)
                {
                    if (_tasks.Count >= MaxTaskIds) break;
                    _tasks.Add(t);
                }
                _workers.UnionWith(workers);
                _at = at;
                _pending = true;
                signal = _signal;
            }
            signal.TrySetResult();
        }

        /// <summary>Waits for changes and takes them all; throws <see cref="OperationCanceledException"/> when cancelled.</summary>
        public async Task<DashboardChange> TakeAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                Task wait;
                lock (_tasks)
                {
                    if (_pending)
                    {
                        var change = new DashboardChange([.. _tasks], [.. _workers], _at);
                        _tasks.Clear();
                        _workers.Clear();
                        _pending = false;
                        _signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                        return change;
                    }
                    wait = _signal.Task;
                }
                await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        public void Dispose() => owner.Remove(this);
    }
}
