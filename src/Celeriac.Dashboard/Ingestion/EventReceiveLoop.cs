using Celeriac.Diagnostics;
using Celeriac.Events;
using Microsoft.Extensions.Logging;

namespace Celeriac.Dashboard.Ingestion;

/// <summary>
/// Subscribes to every event (<c>#</c>), wakes the workers (a heartbeat, and <c>enable_events</c> when asked) and
/// maps each event into the buffer. A broker that is down at start or drops the subscription is reopened with
/// backoff (100 ms → 10 s), logged once per outage; a malformed event is skipped and counted.
/// </summary>
internal sealed class EventReceiveLoop(CeleriacApp app, IngestQueue queue, IngestionStats stats, WorkerEventsEnabler enabler, ILogger logger)
{
    public async Task RunAsync(CancellationToken stopping)
    {
        var outage = new OutageLog(TimeSpan.FromMinutes(1));
        var backoff = TimeSpan.FromMilliseconds(100);
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                try
                {
                    // Subscribe first, then wake: the events the wake-up causes are not missed.
                    await using var receiver = await EventReceiver.OpenAsync(app, "#", wakeup: false, stopping).ConfigureAwait(false);
                    stats.BrokerConnected = true;
                    if (outage.Recovered() > 0) logger.LogInformation("Dashboard ingestion: subscribed to events again (failing since {Since:O})", outage.Since);
                    backoff = TimeSpan.FromMilliseconds(100);
                    await enabler.WakeAsync(stopping).ConfigureAwait(false);
                    await foreach (var e in receiver.ReadAllAsync(stopping).ConfigureAwait(false)) Take(e);
                    if (!stopping.IsCancellationRequested) logger.LogWarning("Dashboard ingestion: the event subscription ended; subscribing again");
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    stats.BrokerConnected = false;
                    switch (outage.Failed(DateTimeOffset.UtcNow))
                    {
                        case OutageLogAction.First: logger.LogError(ex, "Dashboard ingestion: cannot receive events ({Error}); retrying", ex.Message); break;
                        case OutageLogAction.Repeat: logger.LogWarning("Dashboard ingestion: still no events since {Since:O} ({Error})", outage.Since, ex.Message); break;
                    }
                    await Task.Delay(backoff, stopping).ConfigureAwait(false);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // stopping
        }
        finally
        {
            stats.BrokerConnected = false;
            queue.Complete();
        }
    }

    private void Take(CeleryEventInfo e)
    {
        stats.Events.Count(e);
        object? item;
        try
        {
            item = EventMapper.Map(e);
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or OverflowException)
        {
            stats.AddMalformed();
            // The first of each thousand in full; a stream of bad events must not flood the log.
            if (stats.Malformed % 1000 == 1) logger.LogWarning("Dashboard ingestion: skipped a malformed {Type} event from {Host} ({Error}; {Count} so far)", e.Type, e.Hostname, ex.Message, stats.Malformed);
            return;
        }
        if (item is not null) queue.Offer(item);
    }
}
