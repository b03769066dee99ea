using Celeriac.Dashboard.Fleet;
using Celeriac.Dashboard.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Celeriac.Dashboard.Web.Api;

/// <summary><c>GET P/api/overview?window=15m|1h|6h|24h|7d[&amp;name=][&amp;queue=]</c>: throughput, failures and percentiles from the store's rollups.</summary>
internal static class OverviewApi
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/overview", (HttpContext context, string? window, string? name, string? queue, IDashboardStore store, TimeProvider time) =>
            FleetResults.RunAsync(context, async () =>
            {
                var chosen = OverviewWindow.Parse(window);
                var (from, to) = chosen.Bounds(time.GetUtcNow());
                var rollups = await store.GetRollupsAsync(from, to, NullIfEmpty(name), NullIfEmpty(queue), context.RequestAborted).ConfigureAwait(false);
                var workers = await store.GetWorkersAsync(context.RequestAborted).ConfigureAwait(false);
                return FleetResults.Json(OverviewBuilder.Build(chosen, from, to, rollups, workers.Count(w => w.Online)));
            }));

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
