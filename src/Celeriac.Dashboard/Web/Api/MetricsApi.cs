using Celeriac.Dashboard.Fleet;
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

        group.MapGet("/metrics", (HttpContext context, IDashboardStore store, RuntimeHistogram runtimes, TimeProvider time) =>
            FleetResults.RunAsync(context, async () =>
            {
                var text = new PrometheusText();
                var now = time.GetUtcNow();
                var workers = await store.GetWorkersAsync(context.RequestAborted).ConfigureAwait(false);
                text.Family("flower_worker_online", "gauge", "Worker online status");
                foreach (var w in workers) text.Sample("flower_worker_online", WorkerLiveness.IsOnline(w, now) ? 1 : 0, ("worker", w.Hostname));
                text.Family("flower_worker_number_of_currently_executing_tasks", "gauge", "Number of tasks currently executing at a worker");
                foreach (var w in workers) text.Sample("flower_worker_number_of_currently_executing_tasks", w.Active ?? 0, ("worker", w.Hostname));
                WriteRuntimes(text, await runtimes.ReadAsync(store, context.RequestAborted).ConfigureAwait(false));
                text.Family("celeriac_dashboard_workers_known", "gauge", "Workers the dashboard's store knows (online and offline)");
                text.Sample("celeriac_dashboard_workers_known", workers.Count);
                return Results.Text(text.ToString(), "text/plain; version=0.0.4; charset=utf-8");
            }));
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
