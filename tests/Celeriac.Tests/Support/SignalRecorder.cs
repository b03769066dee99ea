using Celeriac.Worker;

namespace Celeriac.Tests.Support;

/// <summary>
/// Records every signal a worker raises and lets a test await one (or N) matching signals. Subscribe
/// before starting the worker or sending; signals raised earlier count, so there is no race.
/// </summary>
internal sealed class SignalRecorder
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly object _lock = new();
    private readonly List<WorkerSignal> _signals = [];
    private readonly List<Waiter> _waiters = [];

    public SignalRecorder(CeleriacWorker worker) => worker.Signals.Raised += OnRaised;

    public IReadOnlyList<WorkerSignal> All
    {
        get { lock (_lock) return _signals.ToArray(); }
    }

    public IReadOnlyList<WorkerSignal> Of(WorkerSignalKind kind) => All.Where(s => s.Kind == kind).ToArray();

    /// <summary>Waits until <paramref name="count"/> signals matching <paramref name="predicate"/> were raised; fails clearly on timeout.</summary>
    public async Task<IReadOnlyList<WorkerSignal>> WaitForAsync(Func<WorkerSignal, bool> predicate, int count = 1, string? what = null, TimeSpan? timeout = null)
    {
        Waiter waiter;
        lock (_lock)
        {
            var matched = _signals.Where(predicate).ToList();
            if (matched.Count >= count) return matched;
            waiter = new Waiter(predicate, count, matched);
            _waiters.Add(waiter);
        }
        var limit = timeout ?? DefaultTimeout;
        try
        {
            return await waiter.Done.Task.WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            lock (_lock) _waiters.Remove(waiter);
            throw new TimeoutException(
                $"Timed out after {limit.TotalSeconds:0.#} s waiting for {count} × {what ?? "matching signal"}; " +
                $"got {waiter.Matched.Count}. Signals so far: {string.Join(", ", All.Select(Describe))}");
        }
    }

    public async Task<WorkerSignal> WaitForAsync(WorkerSignalKind kind, string? taskId = null, TimeSpan? timeout = null) =>
        (await WaitForAsync(s => s.Kind == kind && (taskId is null || s.TaskId == taskId), 1, $"{kind}({taskId ?? "any"})", timeout))[0];

    public Task<WorkerSignal> CompletedAsync(string taskId, TimeSpan? timeout = null) => WaitForAsync(WorkerSignalKind.Completed, taskId, timeout);

    public Task<IReadOnlyList<WorkerSignal>> CompletionsAsync(int count, TimeSpan? timeout = null) =>
        WaitForAsync(s => s.Kind == WorkerSignalKind.Completed, count, "Completed", timeout);

    public Task<IReadOnlyList<WorkerSignal>> RejectionsAsync(int count, TimeSpan? timeout = null) =>
        WaitForAsync(s => s.Kind == WorkerSignalKind.Rejected, count, "Rejected", timeout);

    private void OnRaised(WorkerSignal signal)
    {
        List<Waiter> done = [];
        lock (_lock)
        {
            _signals.Add(signal);
            foreach (var w in _waiters)
            {
                if (!w.Predicate(signal)) continue;
                w.Matched.Add(signal);
                if (w.Matched.Count >= w.Count) done.Add(w);
            }
            foreach (var w in done) _waiters.Remove(w);
        }
        foreach (var w in done) w.Done.TrySetResult(w.Matched.ToArray());
    }

    private static string Describe(WorkerSignal s) =>
        s.Kind + (s.TaskId is null ? "" : $"[{s.TaskId}]") + (s.State is null ? "" : $" {s.State}") + (s.Reason is null ? "" : $" ({s.Reason})");

    private sealed record Waiter(Func<WorkerSignal, bool> Predicate, int Count, List<WorkerSignal> Matched)
    {
        public TaskCompletionSource<IReadOnlyList<WorkerSignal>> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
