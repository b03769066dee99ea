using System.Text.Json.Nodes;
using Celeriac.Dashboard.Fleet;
using Celeriac.Dashboard.Security;
using Celeriac.Dashboard.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Celeriac.Dashboard.Web.Api;

/// <summary>
/// Flower's worker endpoints under Flower's paths and arguments (flower/api/workers.py, control.py), so scripts
/// written against Flower work: <c>GET /api/workers?refresh&amp;status&amp;workername</c>, the worker control
/// POSTs and <c>/api/task/timeout|rate-limit/&lt;name&gt;</c>. Answers are Flower's <c>{"message": …}</c>;
/// a worker's refusal is 403 as in Flower (with our <c>{"error": …}</c> body).
/// </summary>
internal static class FlowerWorkerApi
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/workers", ListAsync);
        MapControl(api, "/worker/shutdown/{workername}", "worker.shutdown", _ => WorkerCommands.Shutdown(), (w, _, _) => "Shutting down!");
        MapControl(api, "/worker/pool/grow/{workername}", "worker.pool-grow", a => WorkerCommands.PoolGrow(a.Int("n")),
            (w, a, _) => $"Growing '{w}' worker's pool by {a.Int("n") ?? 1}");
        MapControl(api, "/worker/pool/shrink/{workername}", "worker.pool-shrink", a => WorkerCommands.PoolShrink(a.Int("n")),
            (w, a, _) => $"Shrinking '{w}' worker's pool by {a.Int("n") ?? 1}");
        MapControl(api, "/worker/pool/autoscale/{workername}", "worker.autoscale", a => WorkerCommands.Autoscale(a.Int("max"), a.Int("min")),
            (w, a, _) => $"Autoscaling '{w}' worker (min={a.Int("min")}, max={a.Int("max")})");
        MapControl(api, "/worker/queue/add-consumer/{workername}", "worker.add-consumer", a => WorkerCommands.AddConsumer(a.Required("queue")), (_, _, ok) => ok);
        MapControl(api, "/worker/queue/cancel-consumer/{workername}", "worker.cancel-consumer", a => WorkerCommands.CancelConsumer(a.Required("queue")), (_, _, ok) => ok);
        MapTaskControl(api, "/task/timeout/{taskname}", "worker.time-limit", (t, a) => WorkerCommands.TimeLimit(t, a.Double("soft"), a.Double("hard")));
        MapTaskControl(api, "/task/rate-limit/{taskname}", "worker.rate-limit", (t, a) => WorkerCommands.RateLimit(t, a.Required("ratelimit")));
    }

    /// <summary>
    /// Flower's worker list: per node the inspect replies (stats, active_queues, registered, …, timestamp);
    /// <c>status</c> gives <c>{node: alive}</c> instead; <c>refresh</c> inspects now (503 when that fails).
    /// </summary>
    private static Task<IResult> ListAsync(HttpContext context, IDashboardStore store, WorkerInspection inspection) =>
        FleetResults.RunAsync(context, async () =>
        {
            var args = await FlowerArguments.ReadAsync(context.Request).ConfigureAwait(false);
            var workername = args.String("workername");
            WorkerSnapshot? live;
            try
            {
                live = await inspection.GetAsync(args.Bool("refresh"), context.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return FleetResults.Error(context, StatusCodes.Status503ServiceUnavailable, $"Failed to update workers: {e.Message}");
            }
            if (args.Bool("status"))
            {
                var alive = new JsonObject();
                foreach (var worker in await store.GetWorkersAsync(context.RequestAborted).ConfigureAwait(false)) alive[worker.Hostname] = worker.Online;
                foreach (var node in live.Workers.Keys) alive[node] = true;
                return FleetResults.Json(alive);
            }
            if (workername is not null)
                return live.Workers.TryGetValue(workername, out var one)
                    ? FleetResults.Json(new JsonObject { [workername] = one.DeepClone() })
                    : FleetResults.Error(context, StatusCodes.Status404NotFound, $"Unknown worker '{workername}'");
            var all = new JsonObject();
            foreach (var (node, info) in live.Workers) all[node] = info.DeepClone();
            return FleetResults.Json(all);
        });

    private static void MapControl(RouteGroupBuilder api, string pattern, string action, Func<FlowerArguments, WorkerCommand> command, Func<string, FlowerArguments, string, string> message) =>
        api.MapPost(pattern, (HttpContext context, string workername, IDashboardStore store, WorkerInspection inspection, WorkerControl control) =>
            FleetResults.RunAsync(context, async () =>
            {
                var args = await FlowerArguments.ReadAsync(context.Request).ConfigureAwait(false);
                var toSend = command(args);
                FleetResults.Audit(context, workername, new JsonObject { [toSend.Method] = toSend.Arguments.DeepClone() });
                await WorkerApi.RequireKnownAsync(workername, store, inspection, context.RequestAborted).ConfigureAwait(false);
                return Answer(context, await control.SendAsync(workername, toSend, context.RequestAborted).ConfigureAwait(false), workername, toSend,
                    ok => message(workername, args, ok));
            })).AsAction(action);

    /// <summary>Flower's task limit endpoints: <c>workername</c> is required, as in Flower.</summary>
    private static void MapTaskControl(RouteGroupBuilder api, string pattern, string action, Func<string, FlowerArguments, WorkerCommand> command) =>
        api.MapPost(pattern, (HttpContext context, string taskname, IDashboardStore store, WorkerInspection inspection, WorkerControl control) =>
            FleetResults.RunAsync(context, async () =>
            {
                var args = await FlowerArguments.ReadAsync(context.Request).ConfigureAwait(false);
                var workername = args.Required("workername");
                var toSend = command(taskname, args);
                FleetResults.Audit(context, workername, new JsonObject { [toSend.Method] = toSend.Arguments.DeepClone() });
                await WorkerApi.RequireKnownAsync(workername, store, inspection, context.RequestAborted).ConfigureAwait(false);
                return Answer(context, await control.SendAsync(workername, toSend, context.RequestAborted).ConfigureAwait(false), workername, toSend, ok => ok);
            })).AsAction(action);

    private static IResult Answer(HttpContext context, JsonNode? reply, string workername, WorkerCommand command, Func<string, string> message) => reply switch
    {
        null => FleetResults.Error(context, StatusCodes.Status504GatewayTimeout, $"{workername} did not answer {command.Method} in time"),
        JsonObject o when o.ContainsKey("error") => FleetResults.Error(context, StatusCodes.Status403Forbidden, $"Failed to {command.Method} on '{workername}': {o["error"]}"),
        _ => FleetResults.Json(new { message = message(reply is JsonObject r && r["ok"] is JsonValue v && v.TryGetValue<string>(out var ok) ? ok : "") }),
    };
}
