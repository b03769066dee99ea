using Celeriac.Dashboard.Fleet;
using Celeriac.Dashboard.Ingestion;
using Celeriac.Dashboard.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Celeriac.Dashboard.Web.Api;

/// <summary>
/// <c>GET P/metrics</c> (Prometheus text, Flower's metric names where they fit plus <c>celeriac_dashboard_*</c>) and
/// <c>GET P/healthcheck</c> (<c>OK</c>, as Flower's; 503 when the store does not answer). Beside the pages, not under /api, as Flower has them.
/// </summary>
internal static class MetricsApi
{
    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/healthcheck", async (HttpContext context, IDashboardStore store) =>
        {
            try
            {
                await store.GetWorkersAsync(context.RequestAborted).ConfigureAwait(false);
                return Results.Text("OK");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return Results.Text($"store unavailable: {e.Message}", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });

        group.MapGet("/metrics", (HttpContext context, IDashboardStore store, RuntimeHistogram runtimes, IngestionStats ingestion) =>
            FleetResults.RunAsync(context, async () =>
            {
                var text = new PrometheusText();
                text.Family("flower_events_total", "counter", "Number of events");
                foreach (var ((worker, type, task), count) in ingestion.Events.Snapshot().OrderBy(p => p.Key))
                    text.Sample("flower_events_total", count, ("worker", worker), ("type", type), ("task", task));
                var workers = await store.GetWorkersAsync(context.RequestAborted).ConfigureAwait(false);
                text.Family("flower_worker_online", "gauge", "Worker online status");
                foreach (var w in workers) text.Sample("flower_worker_online", w.Online ? 1 : 0, ("worker", w.Hostname));
                text.Family("flower_worker_number_of_currently_executing_tasks", "gauge", "Number of tasks currently executing at a worker");
                foreach (var w in workers) text.Sample("flower_worker_number_of_currently_executing_tasks", w.Active ?? 0, ("worker", w.Hostname));
                WriteRuntimes(text, await runtimes.ReadAsync(store, context.RequestAborted).ConfigureAwait(false));
                text.Family("celeriac_dashboard_workers_known", "gauge", "Workers the dashboard's store knows (online and offline)");
                text.Sample("celeriac_dashboard_workers_known", workers.Count);
                WriteIngestion(text, ingestion);
                return Results.Text(text.ToString(), "text/plain; version=0.0.4; charset=utf-8");
            }));
    }

    private static void WriteIngestion(PrometheusText text, IngestionStats stats)
    {
        text.Family("celeriac_dashboard_events_ingested_total", "counter", "Events written to the dashboard's store");
        text.Sample("celeriac_dashboard_events_ingested_total", stats.EventsIngested);
        text.Family("celeriac_dashboard_events_dropped_total", "counter", "Events lost because the ingest buffer was full or the dashboard stopped");
        text.Sample("celeriac_dashboard_events_dropped_total", stats.Dropped);
        text.Family("celeriac_dashboard_events_malformed_total", "counter", "Events skipped because they could not be read");
        text.Sample("celeriac_dashboard_events_malformed_total", stats.Malformed);
        text.Family("celeriac_dashboard_batches_total", "counter", "Batches written to the store");
        text.Sample("celeriac_dashboard_batches_total", stats.Batches);
        text.Family("celeriac_dashboard_batch_failures_total", "counter", "Batch writes that failed and were retried");
        text.Sample("celeriac_dashboard_batch_failures_total", stats.BatchFailures);
        text.Family("celeriac_dashboard_ingest_lag_seconds", "gauge", "Now minus the newest event written (grows while the cluster is quiet)");
        if (stats.Lag is { } lag) text.Sample("celeriac_dashboard_ingest_lag_seconds", Math.Max(0, lag.TotalSeconds));
        text.Family("celeriac_dashboard_broker_connected", "gauge", "1 while the event subscription is open");
        text.Sample("celeriac_dashboard_broker_connected", stats.BrokerConnected ? 1 : 0);
        text.Family("celeriac_dashboard_store_failing", "gauge", "1 while batch writes fail");
        text.Sample("celeriac_dashboard_store_failing", stats.StoreFailing ? 1 : 0);
    }

    /// <summary>Flower's run-time histogram (labelled by task; the store's rollups are per task name, not per worker).</summary>
    private static void WriteRuntimes(PrometheusText text, IReadOnlyDictionary<string, (long[] Counts, double Sum)> byTask)
    {
        text.Family("flower_task_runtime_seconds", "histogram", "Task runtime");
        foreach (var (task, (counts, sum)) in byTask.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            long cumulative = 0;
            for (var i = 0; i < counts.Length; i++)
            {
                cumulative += counts[i];
                text.Sample("flower_task_runtime_seconds_bucket", cumulative, ("task", task), ("le", PrometheusText.Number(RuntimeBuckets.UpperBounds[i])));
            }
            text.Sample("flower_task_runtime_seconds_sum", sum, ("task", task));
            text.Sample("flower_task_runtime_seconds_count", cumulative, ("task", task));
        }
    }
}
