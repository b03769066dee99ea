using System.Collections.Concurrent;
using System.Threading.Channels;
using Celeriac.Diagnostics;
using Celeriac.Exceptions;
using Celeriac.Protocol.Messages;
using Celeriac.Protocol.Results;
using Celeriac.Transport;
using Microsoft.Extensions.Logging;

namespace Celeriac.Worker;

/// <summary>
/// Consumes task messages and runs them: a fetch loop that takes only what the worker can hold
/// (prefetch credit), execution slots that run tasks, and a completer that stores results and
/// settles messages in batches. Stops in stages: stop fetching, give reserved messages back,
/// wait for running tasks, cancel them, requeue what is still unacked.
/// </summary>
public sealed partial class CeleriacWorker : IAsyncDisposable
{
    private readonly CeleriacApp _app;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _fetching = new();
    private readonly CancellationTokenSource _taking = new();
    private readonly CancellationTokenSource _cancelTasks = new();
    private readonly Channel<TaskRequest> _reserved = Channel.CreateUnbounded<TaskRequest>();
    private readonly ConcurrentDictionary<TransportDelivery, byte> _held = new();
    private readonly ConcurrentDictionary<TaskRequest, Task> _running = new();
    private readonly CreditGate _credit;
    private readonly EtaSchedule _etas;
    private readonly RateLimiting.TaskRateLimiter _rates;
    private readonly IReadOnlyCollection<string> _accept;
    private ITransportConsumer? _consumer;
    private WorkerCompleter? _completer;
    private Task _fetchLoop = Task.CompletedTask;
    private Task[] _slots = [];
    private readonly object _lifecycle = new();
    private readonly BackgroundWork _background;
    private Task? _starting;
    private Task? _stopping;
    private long _processed;

    internal CeleriacWorker(CeleriacApp app, WorkerOptions options)
    {
        options.Validate();
        _app = app;
        Options = options;
        _log = app.Options.LoggerFactory.CreateLogger("Celeriac.Worker");
        _credit = new CreditGate(options.PrefetchLimit, options.EtaTaskLimit, options.Autoscale?.Min ?? options.Concurrency);
        _etas = new EtaSchedule(app.Options.TimeProvider, EtaDue, _log);
        _rates = new RateLimiting.TaskRateLimiter(app.Options.TimeProvider, RateOf, RateReleased, _log);
        _accept = app.Options.AcceptedContentTypes;
        _background = new BackgroundWork(_log);
        InitPool();
    }

    /// <summary>This worker's settings.</summary>
    public WorkerOptions Options { get; }

    /// <summary>Node name.</summary>
    public string Hostname => Options.Hostname;

    /// <summary>Tasks finished since start.</summary>
    public long Processed => Interlocked.Read(ref _processed);

    /// <summary>Tasks running now.</summary>
    public int Active => _running.Count;

    /// <summary>Messages waiting for their ETA.</summary>
    public int Scheduled => _etas.Count;

    /// <summary>Deliveries taken from the broker and not yet settled (reserved, running, or being completed).</summary>
    internal int Unsettled => _held.Count + (_completer?.Pending ?? 0);

    internal WorkerSignals Signals { get; } = new();

    /// <summary>
    /// Connects, starts consuming and returns; the worker then runs in the background. Calling it
    /// again, also while a start is under way, returns that same start (the worker starts once); a
    /// start that failed (the broker was down, say) may be tried again.
    /// </summary>
    /// <exception cref="InvalidOperationException">The worker has been stopped; a worker runs once.</exception>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_lifecycle)
        {
            if (_stopping is not null) throw new InvalidOperationException("The worker has been stopped; create a new one to consume again.");
            if (_starting is null || _starting.IsFaulted || _starting.IsCanceled) _starting = Task.Run(() => StartCoreAsync(cancellationToken), CancellationToken.None);
            return _starting;
        }
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        var transport = _app.Transport;
        await StartRevokesAsync(cancellationToken).ConfigureAwait(false);
        foreach (var queue in Options.Queues) await transport.DeclareQueueAsync(queue, cancellationToken).ConfigureAwait(false);
        _consumer = await transport.ConsumeAsync(Options.Queues.ToList(), cancellationToken).ConfigureAwait(false);
        _completer = new WorkerCompleter(_app.Backend, _consumer, Released, Signals, _log, _app.Metrics);
        StartPool();
        _fetchLoop = Task.Run(FetchAsync);
        await StartControlAsync(cancellationToken).ConfigureAwait(false);
        await StartEventsAsync(cancellationToken).ConfigureAwait(false);
        await StartBeatAsync(cancellationToken).ConfigureAwait(false);
        _app.Metrics.Track(this);
        WorkerLog.Ready(_log, Hostname, string.Join(",", Options.Queues), Concurrency, Options.Autoscale is { } scale ? $" (autoscale {scale.Max},{scale.Min})" : "",
            Options.PrefetchMultiplier == 0 ? "unlimited" : Options.PrefetchLimit.ToString());
        Signals.Raise(new WorkerSignal(WorkerSignalKind.Ready));
    }

    /// <summary>
    /// Starts, runs until <paramref name="stoppingToken"/> fires or the worker is told to stop (a
    /// remote <c>shutdown</c>, <see cref="StopAsync"/>), then stops gracefully.
    /// </summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        await StartAsync(stoppingToken).ConfigureAwait(false);
        try
        {
            await StopRequested.WaitAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        await StopAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Graceful shutdown: stop fetching; give reserved messages back; wait up to
    /// <see cref="WorkerOptions.ShutdownTimeout"/> for running tasks; then cancel their tokens and
    /// wait <see cref="WorkerOptions.CancelGracePeriod"/>; requeue what is still unacked. Calling it
    /// again, also concurrently, returns the same shutdown; a start under way is finished first and
    /// then stopped. After it the worker cannot be started again.
    /// </summary>
    public Task StopAsync()
    {
        lock (_lifecycle)
        {
            _stopRequested.TrySetResult();
            return _stopping ??= StopCoreAsync(_starting);
        }
    }

    /// <summary>Stops the worker (as <see cref="StopAsync"/>) and releases what it holds; safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _fetching.Dispose();
        _taking.Dispose();
        _cancelTasks.Dispose();
        _cold.Dispose();
        _etas.Dispose();
        StopPool();
        _queueChanges.Dispose();
    }

    private void Released(TransportDelivery delivery)
    {
        _requests.Settled(delivery);
        if (_held.TryRemove(delivery, out _)) _credit.Release(1);
    }
}
