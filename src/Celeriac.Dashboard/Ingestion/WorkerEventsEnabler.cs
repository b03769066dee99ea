using Celeriac.Control;
using Celeriac.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Celeriac.Dashboard.Ingestion;

/// <summary>
/// Asks the workers to announce themselves (a <c>heartbeat</c> broadcast) and, as Flower does, to send task events
/// (<c>enable_events</c>, when <see cref="DashboardOptions.EnableWorkerEvents"/>) — at every subscription and every
/// minute after, so a worker started without <c>-E</c> (or restarted) still reports. No replies are awaited;
/// a broker that is down is logged once per outage.
/// </summary>
internal sealed class WorkerEventsEnabler(CeleriacApp app, bool enableEvents, IngestionStats stats, ILogger logger)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(60);
    private readonly OutageLog _outage = new(TimeSpan.FromMinutes(5));
    private readonly SemaphoreSlim _one = new(1, 1);

    /// <summary>Broadcasts the wake-up now; never throws but for cancellation.</summary>
    public async Task WakeAsync(CancellationToken cancellationToken)
    {
        await _one.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var noReply = new ControlCallOptions { Reply = false };
            await app.Control.HeartbeatAsync(noReply, cancellationToken).ConfigureAwait(false);
            if (enableEvents) await app.Control.EnableEventsAsync(noReply, cancellationToken).ConfigureAwait(false);
            stats.BrokerConnected = true;
            if (_outage.Recovered() > 0) logger.LogInformation("Dashboard ingestion: the broker takes broadcasts again (failing since {Since:O})", _outage.Since);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            stats.BrokerConnected = false;
            switch (_outage.Failed(DateTimeOffset.UtcNow))
            {
                case OutageLogAction.First: logger.LogWarning(ex, "Dashboard ingestion: cannot broadcast to the workers ({Error}); events may stop until the broker is back", ex.Message); break;
                case OutageLogAction.Repeat: logger.LogWarning("Dashboard ingestion: broadcasts still fail since {Since:O} ({Error})", _outage.Since, ex.Message); break;
            }
        }
        finally
        {
            _one.Release();
        }
    }

    /// <summary>Wakes the workers every <see cref="Interval"/> until stopped.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false)) await WakeAsync(stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // stopping
        }
    }
}
