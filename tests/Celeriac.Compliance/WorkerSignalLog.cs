using Celeriac.Worker;

namespace Celeriac.Compliance;

/// <summary>
/// Records a worker's signals from before it starts and lets a test await one, failing clearly on
/// timeout; the worker suite waits on these instead of sleeping.
/// </summary>
internal sealed class WorkerSignalLog
{
    private readonly object _lock = new();
    private readonly List<WorkerSignal> _signals = [];
    private readonly List<(Func<WorkerSignal, bool> Match, TaskCompletionSource<WorkerSignal> Done)> _waiters = [];

    public WorkerSignalLog(CeleriacWorker worker) => worker.Signals.Raised += OnRaised;

    public IReadOnlyList<WorkerSignal> All
    {
        get { lock (_lock) return _signals.ToArray(); }
    }

    /// <summary>The first signal of <paramref name="kind"/> (for <paramref name="taskId"/>, and in <paramref name="state"/>, when given).</summary>
    public async Task<WorkerSignal> WaitForAsync(WorkerSignalKind kind, string? taskId = null, string? state = null, TimeSpan? timeout = null)
    {
        bool Match(WorkerSignal s) => s.Kind == kind && (taskId is null || s.TaskId == taskId) && (state is null || s.State == state);
        var done = new TaskCompletionSource<WorkerSignal>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            var seen = _signals.FirstOrDefault(Match);
            if (seen is not null) return seen;
            _waiters.Add((Match, done));
        }
        try
        {
            return await done.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(15));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No {kind} signal{(taskId is null ? "" : " for " + taskId)}{(state is null ? "" : " in state " + state)}; " +
                $"signals so far: {string.Join(", ", All.Select(s => $"{s.Kind}[{s.TaskId}] {s.State} {s.Reason}".Trim()))}");
        }
    }

    private void OnRaised(WorkerSignal signal)
    {
        List<TaskCompletionSource<WorkerSignal>> done = [];
        lock (_lock)
        {
            _signals.Add(signal);
            foreach (var waiter in _waiters.Where(w => w.Match(signal)).ToList())
            {
                _waiters.Remove(waiter);
                done.Add(waiter.Done);
            }
        }
        foreach (var d in done) d.TrySetResult(signal);
    }
}
