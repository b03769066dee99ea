using Celeriac.Dashboard.Store;
using Celeriac.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Celeriac.Dashboard.Ingestion;

/// <summary>
/// Takes buffered events in batches — up to <see cref="MaxBatch"/> events or <see cref="MaxDelay"/> after the
/// first, whichever comes first — and writes each in one store transaction. A failed write is retried (the
/// same batch, backing off to 5 s) while the buffer before it fills and then drops; after a batch, live pages
/// are told what changed and finished tasks go to the backend enricher.
/// </summary>
internal sealed class BatchWriter(IDashboardStore store, IngestQueue queue, IngestionStats stats, DashboardChanges changes, BackendEnricher? enricher, WorkerQueueGuess queues, ILogger logger)
{
    public const int MaxBatch = 1_000;
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>Writes until the buffer is completed and drained; once <paramref name="stopping"/> fires, a failing write is tried once more, not retried.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        var tasks = new List<TaskEvent>(MaxBatch);
        var workers = new List<WorkerUpdate>();
        while (await queue.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            await FillAsync(tasks, workers).ConfigureAwait(false);
            await WriteAsync(tasks, workers, stopping).ConfigureAwait(false);
            tasks.Clear();
            workers.Clear();
        }
    }

    private async Task FillAsync(List<TaskEvent> tasks, List<WorkerUpdate> workers)
    {
        using var window = new CancellationTokenSource(MaxDelay);
        while (true)
        {
            while (tasks.Count + workers.Count < MaxBatch && queue.Reader.TryRead(out var item))
            {
                if (item is TaskEvent t) tasks.Add(t);
                else workers.Add((WorkerUpdate)item);
            }
            if (tasks.Count + workers.Count >= MaxBatch) return;
            try
            {
                if (!await queue.Reader.WaitToReadAsync(window.Token).ConfigureAwait(false)) return;
            }
            catch (OperationCanceledException)
            {
                return; // the window closed
            }
        }
    }

    private async Task WriteAsync(List<TaskEvent> tasks, List<WorkerUpdate> workers, CancellationToken stopping)
    {
        queues.Fill(tasks);
        var batch = new DashboardBatch { Tasks = tasks, Workers = workers };
        var count = tasks.Count + workers.Count;
        var outage = new OutageLog(TimeSpan.FromMinutes(1));
        var backoff = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                // Not cancelled by stopping: a write takes milliseconds, and one cut short would lose its batch.
                await store.WriteAsync(batch, CancellationToken.None).ConfigureAwait(false);
                break;
            }
            catch (Exception ex)
            {
                stats.AddBatchFailure();
                stats.StoreFailing = true;
                switch (outage.Failed(DateTimeOffset.UtcNow))
                {
                    case OutageLogAction.First: logger.LogError(ex, "Dashboard ingestion: writing a batch of {Count} events failed ({Error}); retrying it", count, ex.Message); break;
                    case OutageLogAction.Repeat: logger.LogWarning("Dashboard ingestion: the store still fails since {Since:O} ({Error}); retrying", outage.Since, ex.Message); break;
                }
                if (stopping.IsCancellationRequested)
                {
                    // Stopping: one attempt was made; what is left is lost, and said so.
                    stats.AddDropped(count);
                    logger.LogWarning("Dashboard ingestion: stopped with a batch of {Count} events unwritten", count);
                    return;
                }
                try { await Task.Delay(backoff, stopping).ConfigureAwait(false); }
                catch (OperationCanceledException) { /* one last attempt above */ }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
        if (outage.Recovered() > 0) logger.LogInformation("Dashboard ingestion: the store takes batches again (failing since {Since:O})", outage.Since);
        stats.StoreFailing = false;

        var newest = DateTimeOffset.MinValue;
        foreach (var t in tasks) if (t.Timestamp > newest) newest = t.Timestamp;
        foreach (var w in workers) if (w.Timestamp > newest) newest = w.Timestamp;
        stats.BatchWritten(count, newest);
        changes.Publish(tasks.Select(t => t.TaskId).Distinct(StringComparer.Ordinal), workers.Select(w => w.Hostname).Distinct(StringComparer.Ordinal));
        enricher?.Offer(tasks);
    }
}
