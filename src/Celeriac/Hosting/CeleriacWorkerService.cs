using Celeriac.Worker;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Celeriac.Hosting;

/// <summary>
/// The hosted worker of <see cref="CeleriacBuilder.AddWorker"/>: created and started in the
/// background when the host starts, stopped in Celery's stages (<see cref="CeleriacWorker.StopAsync"/>)
/// when it stops, its stages fitted into the host's shutdown timeout (<see cref="ShutdownBudget"/>).
/// </summary>
internal sealed class CeleriacWorkerService : IHostedService, IAsyncDisposable
{
    private readonly CeleriacApp _app;
    private readonly Action<WorkerOptions>? _configure;
    private readonly TimeSpan _hostTimeout;
    private readonly ILogger _log;
    private RetryingStart? _start;
    private int _disposed;

    public CeleriacWorkerService(CeleriacApp app, Action<WorkerOptions>? configure, TimeSpan hostShutdownTimeout)
    {
        _app = app;
        _configure = configure;
        _hostTimeout = hostShutdownTimeout;
        _log = app.Options.LoggerFactory.CreateLogger("Celeriac.Hosting");
    }

    /// <summary>The worker, once the host has started; null before.</summary>
    public CeleriacWorker? Worker { get; private set; }

    /// <summary>Why the worker has not started yet (the broker is unreachable, say); null once started.</summary>
    public string? StartError => _start?.LastError;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Worker = _app.CreateWorker(o =>
        {
            _configure?.Invoke(o);
            ShutdownBudget.Fit(o, _hostTimeout);
        });
        var worker = Worker;
        _start = new RetryingStart(worker.StartAsync, _log, $"worker {worker.Hostname}");
        _start.Begin();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Worker is not { } worker) return;
        await _start!.CancelAsync().ConfigureAwait(false);
        // The stages already fit the host's timeout; the token only ends the wait should they overrun.
        try
        {
            await worker.StopAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _log.LogWarning("Worker {Hostname} did not finish stopping within the host's shutdown timeout", worker.Hostname);
        }
    }

    // Registered twice (as itself and as IHostedService), so the container may dispose it twice.
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && Worker is { } worker) await worker.DisposeAsync().ConfigureAwait(false);
    }
}
