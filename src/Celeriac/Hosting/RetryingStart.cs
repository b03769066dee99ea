using Microsoft.Extensions.Logging;

namespace Celeriac.Hosting;

/// <summary>
/// Starts a worker or beat in the background and keeps trying while the broker or store is
/// unreachable (as Celery's <c>broker_connection_retry_on_startup</c>), so the host — a web app
/// especially — is not held up or failed by a broker that comes up later; the health checks report
/// the wait meanwhile. Bad settings fail the host earlier, in options validation.
/// </summary>
internal sealed class RetryingStart(Func<CancellationToken, Task> start, ILogger log, string what)
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(10);
    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;
    private volatile string? _lastError;

    /// <summary>Why the last attempt failed; null once started, or before the first attempt ended.</summary>
    public string? LastError => _lastError;

    public void Begin() => _run = Task.Run(RunAsync);

    private async Task RunAsync()
    {
        var delay = FirstDelay;
        while (true)
        {
            try
            {
                await start(_stop.Token).ConfigureAwait(false);
                _lastError = null;
                return;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _lastError = ex.Message;
                log.LogError(ex, "Starting the {What} failed ({Error}); retrying in {Delay}", what, ex.Message, delay);
            }
            try { await Task.Delay(delay, _stop.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
        }
    }

    /// <summary>Stops retrying and waits for an attempt under way to end.</summary>
    public async Task CancelAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _run.ConfigureAwait(false);
    }
}
