using Celeriac.Dashboard.Fleet;
using Celeriac.Dashboard.Security;
using Celeriac.Dashboard.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Celeriac.Dashboard.Web.Api;

/// <summary>
/// <c>GET P/api/fleet/queues</c>, the purge action (<c>confirm</c> must repeat the queue's name) and Flower's
/// <c>GET P/api/queues/length</c>.
/// </summary>
internal static class QueueApi
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/fleet/queues", (HttpContext context, [FromServices] CeleriacApp app, WorkerInspection inspection, IDashboardStore store, TimeProvider time) =>
            FleetResults.RunAsync(context, async () =>
            {
                var live = await WorkerApi.LiveOrNullAsync(inspection, context.RequestAborted).ConfigureAwait(false);
                var activity = await QueueActivity.ReadAsync(store, time.GetUtcNow(), context.RequestAborted).ConfigureAwait(false);
                return FleetResults.Json(await QueueView.RowsAsync(app, live, activity.Seen, activity.RatesOf, context.RequestAborted).ConfigureAwait(false));
            }));

        api.MapPost("/fleet/queues/{name}/purge", (HttpContext context, string name, [FromServices] CeleriacApp app) =>
            FleetResults.RunAsync(context, async () =>
            {
                var body = await FleetResults.BodyAsync(context.Request).ConfigureAwait(false);
                if (FleetResults.String(body, "confirm") != name)
                    return FleetResults.Error(context, StatusCodes.Status400BadRequest, $"purging deletes every waiting message: confirm must be the queue's name, '{name}'");
                var purged = await app.Transport.PurgeAsync(name, context.RequestAborted).ConfigureAwait(false);
                FleetResults.Audit(context, name, new System.Text.Json.Nodes.JsonObject { ["purged"] = purged });
                return FleetResults.Json(new { purged });
            })).AsAction("queue.purge");

        // Flower's: the queues the workers consume, with their depth.
        api.MapGet("/queues/length", (HttpContext context, [FromServices] CeleriacApp app, WorkerInspection inspection) =>
            FleetResults.RunAsync(context, async () =>
            {
                var live = await WorkerApi.LiveOrNullAsync(inspection, context.RequestAborted).ConfigureAwait(false);
                var names = QueueView.Names(app, live, []);
                var depths = await Task.WhenAll(names.Select(n => app.Transport.GetQueueDepthAsync(n, context.RequestAborted).AsTask())).ConfigureAwait(false);
                return FleetResults.Json(new { active_queues = names.Select((n, i) => new { name = n, messages = depths[i] }) });
            }));
    }
}
