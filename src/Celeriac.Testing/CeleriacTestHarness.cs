using System.Collections.Concurrent;
using Celeriac.Memory;
using Celeriac.Protocol.Results;
using Celeriac.Worker;

namespace Celeriac.Testing;

/// <summary>
/// Runs your tasks on a real worker against a private in-memory broker and result store, and lets
/// a test await what happened instead of sleeping.
/// </summary>
/// <example>
/// <code>
/// await using var harness = CeleriacTestHarness.Create();
/// var add = harness.App.Task("tasks.add", (int x, int y) => x + y);
/// await harness.StartWorkerAsync();
/// var r = await add.DelayAsync(2, 3);
/// (await harness.WaitForTaskAsync(r.Id)).Status.Should().Be("SUCCESS");
/// </code>
/// </example>
public sealed class CeleriacTestHarness : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _finished = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<TaskCompletion> _completions = new();
    private readonly ConcurrentQueue<RejectedMessage> _rejections = new();
    private readonly SemaphoreSlim _changed = new(0);
    private CeleriacWorker? _worker;

    private CeleriacTestHarness(CeleriacApp app, string name)
    {
        App = app;
        Broker = InMemoryBroker.Named(name);
        Results = InMemoryResultStore.Named(name);
    }

    /// <summary>
    /// An app on a fresh, private <c>memory://</c> broker and result store; <paramref name="configure"/>
    /// may change any other setting (the two URLs are set after it runs).
    /// </summary>
    public static CeleriacTestHarness Create(Action<CeleriacOptions>? configure = null, IServiceProvider? services = null)
    {
        var name = "harness-" + Guid.NewGuid().ToString("N");
        var options = new CeleriacOptions();
        configure?.Invoke(options);
        options.BrokerUrl = "memory://" + name;
        options.ResultBackend = "memory://" + name;
        return new CeleriacTestHarness(new CeleriacApp(options, services), name);
    }

    /// <summary>The app: register tasks on it and send them.</summary>
    public CeleriacApp App { get; }

    /// <summary>The private broker (queue depths, dead letters, raw injection).</summary>
    internal InMemoryBroker Broker { get; }

    /// <summary>The private result store.</summary>
    internal InMemoryResultStore Results { get; }

    /// <summary>The running worker, once started.</summary>
    public CeleriacWorker Worker => _worker ?? throw new InvalidOperationException("Call StartWorkerAsync first.");

    /// <summary>Tasks finished so far, in order.</summary>
    public IReadOnlyCollection<TaskCompletion> Completions => _completions.ToArray();

    /// <summary>Messages the worker refused so far, in order.</summary>
    public IReadOnlyCollection<RejectedMessage> Rejections => _rejections.ToArray();

    /// <summary>
    /// Starts a worker on the app's queues. It sends no events (<see cref="WorkerOptions.SendEvents"/>
    /// off, which <paramref name="configure"/> may turn on): its heartbeat would otherwise be one more
    /// timer on a <see cref="VirtualClock"/>, which then holds only the timers the tasks' own code sets.
    /// </summary>
    public async Task StartWorkerAsync(Action<WorkerOptions>? configure = null)
    {
        if (_worker is not null) throw new InvalidOperationException("The worker is already started.");
        var worker = App.CreateWorker(w =>
        {
            w.SendEvents = false;
            configure?.Invoke(w);
        });
        worker.Signals.Raised += Observe;
        _worker = worker;
        await worker.StartAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Waits until the task finished for good — succeeded, failed, was revoked, rejected or ignored,
    /// not merely retried — with its result stored and its message settled; returns its stored meta.
    /// </summary>
    public async Task<ResultMeta> WaitForTaskAsync(string taskId, TimeSpan? timeout = null)
    {
        var finished = _finished.GetOrAdd(taskId, _ => NewSignal());
        try
        {
            await finished.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Task {taskId} did not finish within {timeout ?? TimeSpan.FromSeconds(30)}.");
        }
        return await App.Backend.GetAsync(taskId).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits until the worker's queues are empty and it holds no message: everything sent so far
    /// has run, been refused, or been given back.
    /// </summary>
    public async Task WaitUntilIdleAsync(TimeSpan? timeout = null)
    {
        var worker = Worker;
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (!IsIdle(worker))
        {
            try
            {
                // Woken by the worker's signals; the short poll covers publishes, which raise none.
                await _changed.WaitAsync(TimeSpan.FromMilliseconds(20), cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The worker was not idle within {timeout ?? TimeSpan.FromSeconds(30)}: {worker.Unsettled} message(s) held.");
            }
        }
    }

    /// <summary>Stops the worker gracefully (if started) and waits for it.</summary>
    public async Task StopWorkerAsync()
    {
        if (_worker is not null) await _worker.StopAsync().ConfigureAwait(false);
    }

    /// <summary>Stops the worker and closes the app.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_worker is not null) await _worker.DisposeAsync().ConfigureAwait(false);
        await App.DisposeAsync().ConfigureAwait(false);
        _changed.Dispose();
    }

    private bool IsIdle(CeleriacWorker worker) =>
        worker.Unsettled == 0 && worker.Active == 0 && worker.Options.Queues.All(q => Broker.Depth(q) == 0);

    private void Observe(WorkerSignal signal)
    {
        switch (signal.Kind)
        {
            case WorkerSignalKind.Completed when signal.TaskId is not null:
                _completions.Enqueue(new TaskCompletion(signal.TaskId, signal.State ?? ""));
                // A retry is not the end: the same id runs again.
                if (signal.State != TaskStates.Retry) _finished.GetOrAdd(signal.TaskId, _ => NewSignal()).TrySetResult(signal.State ?? "");
                break;
            case WorkerSignalKind.Rejected:
                _rejections.Enqueue(new RejectedMessage(signal.TaskId, signal.Reason ?? ""));
                if (signal.TaskId is not null) _finished.GetOrAdd(signal.TaskId, _ => NewSignal()).TrySetResult(signal.State ?? TaskStates.Rejected);
                break;
        }
        _changed.Release();
    }

    private static TaskCompletionSource<string> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
