using System.Threading.Channels;
using Celeriac.Dashboard.Store;
using Celeriac.Diagnostics;
using Celeriac.Protocol.Results;
using Microsoft.Extensions.Logging;

namespace Celeriac.Dashboard.Ingestion;

/// <summary>
/// Events carry only 1,024-character reprs of args and results and no group id; the result backend has the
/// whole result (and, with <c>result_extended</c>, the args, kwargs and queue). After each batch the writer
/// offers its finished tasks here; this loop reads their metas in one batched call (Redis: one MGET per
/// 1,000) and stores what they add — off the write path, so ingestion never waits on the backend. When the
/// backend is slower than the cluster, tasks past a bounded queue are skipped (counted), never buffered.
/// </summary>
internal sealed class BackendEnricher(CeleriacApp app, IDashboardStore store, IngestionStats stats, ILogger logger)
{
    private const int Capacity = 20_000;
    private const int MaxBatch = 1_000;

    /// <summary>Below this, an event's repr was not cut, so the backend's value adds nothing but a second write.</summary>
    private const int ReprLimit = 1_000;

    private readonly Channel<string> _ids = Channel.CreateBounded<string>(new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Queues the finished tasks of a written batch (success and failure; others have no meta worth reading yet).</summary>
    public void Offer(IReadOnlyList<TaskEvent> events)
    {
        var skipped = 0;
        foreach (var e in events)
            if (e.State is "SUCCESS" or "FAILURE" && !_ids.Writer.TryWrite(e.TaskId)) skipped++;
        if (skipped > 0) stats.AddEnrichmentSkipped(skipped);
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        var outage = new OutageLog(TimeSpan.FromMinutes(1));
        var ids = new List<string>(MaxBatch);
        try
        {
            while (await _ids.Reader.WaitToReadAsync(stopping).ConfigureAwait(false))
            {
                while (ids.Count < MaxBatch && _ids.Reader.TryRead(out var id)) ids.Add(id);
                try
                {
                    var metas = await app.Backend.GetManyAsync(ids, stopping).ConfigureAwait(false);
                    var enrichments = new List<TaskEnrichment>();
                    foreach (var meta in metas) if (Enrichment(meta) is { } e) enrichments.Add(e);
                    if (enrichments.Count > 0) await store.EnrichAsync(enrichments, stopping).ConfigureAwait(false);
                    stats.AddEnriched(enrichments.Count);
                    if (outage.Recovered() > 0) logger.LogInformation("Dashboard ingestion: the result backend answers again (failing since {Since:O})", outage.Since);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
                {
                    stats.AddEnrichmentSkipped(ids.Count);
                    switch (outage.Failed(DateTimeOffset.UtcNow))
                    {
                        case OutageLogAction.First: logger.LogWarning(ex, "Dashboard ingestion: reading results from the backend failed ({Error}); those tasks keep their event reprs", ex.Message); break;
                        case OutageLogAction.Repeat: logger.LogWarning("Dashboard ingestion: the result backend still fails since {Since:O} ({Error})", outage.Since, ex.Message); break;
                    }
                    await Task.Delay(TimeSpan.FromSeconds(1), stopping).ConfigureAwait(false);
                }
                ids.Clear();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // stopping
        }
    }

    /// <summary>What a meta adds to the stored task, or null when nothing (not ready, short result, no group, not extended).</summary>
    internal static TaskEnrichment? Enrichment(ResultMeta meta)
    {
        if (meta.Status is not (TaskStates.Success or TaskStates.Failure)) return null;
        var result = meta.Status == TaskStates.Success && meta.Result is { } node ? node.ToJsonString() : null;
        if (result is { Length: < ReprLimit }) result = null;
        var x = meta.Extended;
        var args = x?.Args?.ToJsonString();
        var kwargs = x?.Kwargs?.ToJsonString();
        if (args is { Length: < ReprLimit }) args = null;
        if (kwargs is { Length: < ReprLimit }) kwargs = null;
        // Celery 5.2.6's task-failed can say only "ExceptionWithTraceback()" (billiard's wrapper); the meta has the real one.
        var exception = meta.Exception?.Repr;
        if (result is null && args is null && kwargs is null && exception is null && meta.GroupId is null && x?.Queue is null) return null;
        return new TaskEnrichment(meta.TaskId)
        {
            Result = result, Exception = exception, Args = args, Kwargs = kwargs, GroupId = meta.GroupId, ParentId = meta.ParentId, Queue = x?.Queue, Name = x?.Name,
        };
    }
}
