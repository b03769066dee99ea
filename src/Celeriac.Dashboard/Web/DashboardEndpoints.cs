using Celeriac.Dashboard.Web.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Celeriac.Dashboard.Web;

/// <summary>Everything <c>MapCeleriacDashboard</c> maps, in one place: each area maps its own endpoints.</summary>
internal static class DashboardEndpoints
{
    public static void Map(RouteGroupBuilder group)
    {
        ClientAssets.Map(group);
        DashboardOpenApi.Map(group);
        MetricsApi.Map(group); // /metrics and /healthcheck, beside the pages as Flower has them
        var api = group.MapGroup("/api");
        SessionApi.Map(api);
        AuditApi.Map(api);
        LiveApi.Map(api);
        TaskApi.Map(api);
        WorkerApi.Map(api);
        FlowerWorkerApi.Map(api); // Flower's /api/workers, /api/worker/…, /api/task/timeout|rate-limit
        QueueApi.Map(api);
        BeatApi.Map(api);
        OverviewApi.Map(api);
    }
}
