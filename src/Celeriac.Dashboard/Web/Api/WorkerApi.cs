using Celeriac.Dashboard.Fleet;
using Celeriac.Dashboard.Security;
using Celeriac.Dashboard.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Celeriac.Dashboard.Web.Api;

/// <summary>
/// <c>GET P/api/fleet/workers</c> (the store's workers joined with the cached live inspect) and the worker actions
/// <c>POST P/api/fleet/workers/{hostname}/…</c> (API16.md); Flower's worker paths are in <see cref="FlowerWorkerApi"/>.
/// </summary>
internal static class WorkerApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var fleet = api.MapGroup("/fleet/workers");
        fleet.MapGet("", ListAsync);
        MapAction(fleet, "pool-grow", "worker.pool-grow", body => WorkerCommands.PoolGrow(FleetResults.Int(body, "n")));
        MapAction(fleet, "pool-shrink", "worker.pool-shrink", body => WorkerCommands.PoolShrink(FleetResults.Int(body, "n")));
        MapAction(fleet, "autoscale", "worker.autoscale", body => WorkerCommands.Autoscale(FleetResults.Int(body, "max"), FleetResults.Int(body, "min")));
        MapAction(fleet, "add-consumer", "worker.add-consumer", body => WorkerCommands.AddConsumer(FleetResults.String(body, "queue")));
        MapAction(fleet, "cancel-consumer", "worker.cancel-consumer", body => WorkerCommands.CancelConsumer(FleetResults.String(body, "queue")));
        MapAction(fleet, "rate-limit", "worker.rate-limit", body => WorkerCommands.RateLimit(FleetResults.String(body, "task"), FleetResults.String(body, "rate")));
        MapAction(fleet, "time-limit", "worker.time-limit",
            body => WorkerCommands.TimeLimit(FleetResults.String(body, "task"), FleetResults.Double(body, "soft"), FleetResults.Double(body, "hard")));
        MapAction(fleet, "shutdown", "worker.shutdown", _ => WorkerCommands.Shutdown());
    }

    private static Task<IResult> ListAsync(HttpContext context, IDashboardStore store, WorkerInspection inspection) =>
        FleetResults.RunAsync(context, async () =>
        {
            var stored = await store.GetWorkersAsync(context.RequestAborted).ConfigureAwait(false);
            var live = await LiveOrNullAsync(inspection, context.RequestAborted).ConfigureAwait(false);
            return FleetResults.Json(WorkerView.Rows(stored, live));
        });

    /// <summary>The live inspect, or null when the broker is down: the page still shows what the store knows.</summary>
    internal static async Task<WorkerSnapshot?> LiveOrNullAsync(WorkerInspection inspection, CancellationToken cancellationToken)
    {
        try
        {
            return await inspection.GetAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return null;
        }
    }

    private static void MapAction(RouteGroupBuilder fleet, string path, string action, Func<System.Text.Json.Nodes.JsonObject, WorkerCommand> command) =>
        fleet.MapPost("/{hostname}/" + path, (HttpContext context, string hostname, IDashboardStore store, WorkerInspection inspection, WorkerControl control) =>
            FleetResults.RunAsync(context, async () =>
            {
                var toSend = command(await FleetResults.BodyAsync(context.Request).ConfigureAwait(false));
                FleetResults.Audit(context, hostname, new System.Text.Json.Nodes.JsonObject { [toSend.Method] = toSend.Arguments.DeepClone() });
                await RequireKnownAsync(hostname, store, inspection, context.RequestAborted).ConfigureAwait(false);
                var reply = await control.SendAsync(hostname, toSend, context.RequestAborted).ConfigureAwait(false);
                return reply switch
                {
                    null => FleetResults.Error(context, StatusCodes.Status504GatewayTimeout, $"{hostname} did not answer {toSend.Method} in time"),
                    System.Text.Json.Nodes.JsonObject o when o.ContainsKey("error") =>
                        FleetResults.Failed(context, StatusCodes.Status409Conflict, $"{hostname}: {o["error"]}", new { ok = false, error = o["error"]?.ToString(), reply }),
                    _ => FleetResults.Json(new { ok = true, reply }),
                };
            })).AsAction(action);

    /// <summary>404 for a worker neither the store nor the live inspect knows (a typo would otherwise wait for no reply).</summary>
    internal static async Task RequireKnownAsync(string hostname, IDashboardStore store, WorkerInspection inspection, CancellationToken cancellationToken)
    {
        var stored = await store.GetWorkersAsync(cancellationToken).ConfigureAwait(false);
        if (stored.Any(w => w.Hostname == hostname)) return;
        var live = await LiveOrNullAsync(inspection, cancellationToken).ConfigureAwait(false);
        if (live?.Workers.ContainsKey(hostname) != true)
        {
            live = await inspection.GetAsync(refresh: true, cancellationToken).ConfigureAwait(false);
            if (!live.Workers.ContainsKey(hostname)) throw new KeyNotFoundException($"Unknown worker '{hostname}'");
        }
    }
}
