using Celeriac.Beat.Json;
using Celeriac.Dashboard.Fleet;
using Celeriac.Dashboard.Security;
using Celeriac.Dashboard.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Celeriac.Dashboard.Web.Api;

/// <summary>
/// <c>GET P/api/beat</c> and the beat actions — pause, resume, run now, edit (<c>PUT</c>, the schedule file's JSON
/// shape, docs/beat.md) — through <c>app.Beat</c>: edits go to the beat store every beat on the broker reads.
/// </summary>
internal static class BeatApi
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/beat", (HttpContext context, [FromServices] CeleriacApp app, IDashboardStore store) =>
            FleetResults.RunAsync(context, async () => FleetResults.Json(await BeatView.RowsAsync(app, store, context.RequestAborted).ConfigureAwait(false))));

        api.MapPost("/beat/{name}/pause", (HttpContext context, string name, [FromServices] CeleriacApp app, IDashboardStore store) =>
            FleetResults.RunAsync(context, async () =>
            {
                await app.Beat.PauseAsync(name, context.RequestAborted).ConfigureAwait(false);
                return FleetResults.Json(await RowAsync(app, store, name, context.RequestAborted).ConfigureAwait(false));
            })).AsAction("beat.pause");

        api.MapPost("/beat/{name}/resume", (HttpContext context, string name, [FromServices] CeleriacApp app, IDashboardStore store) =>
            FleetResults.RunAsync(context, async () =>
            {
                await app.Beat.ResumeAsync(name, context.RequestAborted).ConfigureAwait(false);
                return FleetResults.Json(await RowAsync(app, store, name, context.RequestAborted).ConfigureAwait(false));
            })).AsAction("beat.resume");

        api.MapPost("/beat/{name}/run", (HttpContext context, string name, [FromServices] CeleriacApp app) =>
            FleetResults.RunAsync(context, async () =>
            {
                var taskId = await app.Beat.RunNowAsync(name, context.RequestAborted).ConfigureAwait(false);
                FleetResults.Audit(context, name, new System.Text.Json.Nodes.JsonObject { ["task_id"] = taskId });
                return FleetResults.Json(new { task_id = taskId });
            })).AsAction("beat.run");

        api.MapPut("/beat/{name}", (HttpContext context, string name, [FromServices] CeleriacApp app, IDashboardStore store) =>
            FleetResults.RunAsync(context, async () =>
            {
                var body = await FleetResults.BodyAsync(context.Request).ConfigureAwait(false);
                FleetResults.Audit(context, name, body);
                var entry = BeatEntryJson.Read(name, body);
                await app.Beat.SetAsync(entry, context.RequestAborted).ConfigureAwait(false);
                return FleetResults.Json(await RowAsync(app, store, name, context.RequestAborted).ConfigureAwait(false));
            })).AsAction("beat.edit");
    }

    private static async Task<BeatRow> RowAsync([FromServices] CeleriacApp app, IDashboardStore store, string name, CancellationToken cancellationToken)
    {
        var info = (await app.Beat.ListAsync(BeatView.NextRuns, cancellationToken).ConfigureAwait(false)).FirstOrDefault(e => e.Entry.Name == name)
            ?? throw new KeyNotFoundException($"There is no beat entry '{name}'.");
        return await BeatView.RowAsync(app, store, info, cancellationToken).ConfigureAwait(false);
    }
}
