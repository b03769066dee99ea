using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Celeriac.Dashboard.Security;
using Celeriac.Dashboard.Store;
using Celeriac.Protocol.Results;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Celeriac.Dashboard.Web.Api;

/// <summary>
/// The task actions: retry (same name, args, kwargs, queue — see <see cref="RetryPlan"/>), re-run with edited
/// args/kwargs, revoke, terminate, and bulk retry/revoke over a search (at most <see cref="BulkMax"/> a call).
/// Each is marked with <c>AsAction</c>, so the group's guard applies read-only, the cross-site check and the audit.
/// </summary>
internal static partial class TaskActions
{
    public const int BulkMax = 1000;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/tasks/{id}/retry", RetryAsync).AsAction("task.retry")
            .WithSummary("Send the task again: same name, args, kwargs and queue, a new id")
            .WithDescription("Args come whole from the result backend (result_extended) or from the store's record; a repr the event cut short is refused (409) with the reason.")
            .Produces<NewTaskJson>().Produces<ErrorBody>(404).Produces<ErrorBody>(409);
        api.MapPost("/tasks/{id}/rerun", RerunAsync).AsAction("task.rerun")
            .WithSummary("Send the task again with edited arguments")
            .WithDescription("Body {\"args\": [...], \"kwargs\": {...}} (JSON); a part left out keeps the task's own.")
            .Produces<NewTaskJson>().Produces<ErrorBody>(400).Produces<ErrorBody>(404);
        api.MapPost("/tasks/{id}/revoke", (HttpContext context, string id) => RevokeAsync(context, id, terminate: false)).AsAction("task.revoke")
            .WithSummary("Revoke the task (workers skip it; a running one goes on)").Produces<OkJson>();
        api.MapPost("/tasks/{id}/terminate", (HttpContext context, string id) => RevokeAsync(context, id, terminate: true)).AsAction("task.terminate")
            .WithSummary("Revoke the task and stop it if running")
            .WithDescription("Body {\"signal\": \"SIGTERM\"} optional (the signal Python workers send).").Produces<OkJson>();
        api.MapPost("/tasks/bulk/retry", (Func<HttpContext, Task<IResult>>)(context => BulkAsync(context, revoke: false))).AsAction("task.bulk_retry")
            .WithSummary("Retry every task a search matches (at most 1,000 a call)")
            .WithDescription("Body: the search's filters {name, state, worker, queue, root_id, from, to, q, max}.").Produces<BulkJson>();
        api.MapPost("/tasks/bulk/revoke", (Func<HttpContext, Task<IResult>>)(context => BulkAsync(context, revoke: true))).AsAction("task.bulk_revoke")
            .WithSummary("Revoke every unfinished task a search matches (at most 1,000 a call)")
            .WithDescription("Body: the search's filters {name, state, worker, queue, root_id, from, to, q, max}.").Produces<BulkJson>();
    }

    private static async Task<IResult> RetryAsync(HttpContext context, string id)
    {
        if (DashboardApp.Of(context) is not { } app) return ApiError.Unavailable(context, DashboardApp.Missing);
        var task = await TaskLookup.FindAsync(context, id).ConfigureAwait(false);
        if (!task.Exists) return ApiError.NotFound(context, $"no task '{id}' is known to the store or the result backend");
        var plan = RetryPlan.For(task);
        if (plan.Refusal is not null) return ApiError.Conflict(context, "cannot retry: " + plan.Refusal);
        var newId = await SendAsync(app, plan.Name!, plan.Args!, plan.Kwargs!, await QueueAsync(context, task).ConfigureAwait(false), context.RequestAborted).ConfigureAwait(false);
        Audit(context, id, new JsonObject { ["task_id"] = newId, ["name"] = plan.Name });
        return Results.Json(new NewTaskJson(newId), DashboardJson.Options);
    }

    private static async Task<IResult> RerunAsync(HttpContext context, string id)
    {
        if (DashboardApp.Of(context) is not { } app) return ApiError.Unavailable(context, DashboardApp.Missing);
        var (body, error) = await ReadBodyAsync(context).ConfigureAwait(false);
        if (error is not null) return ApiError.BadRequest(context, error);
        if (body?["args"] is { } a && a is not JsonArray) return ApiError.BadRequest(context, "args must be a JSON array");
        if (body?["kwargs"] is { } k && k is not JsonObject) return ApiError.BadRequest(context, "kwargs must be a JSON object");
        var task = await TaskLookup.FindAsync(context, id).ConfigureAwait(false);
        if (!task.Exists) return ApiError.NotFound(context, $"no task '{id}' is known to the store or the result backend");
        if (task.Name is null) return ApiError.Conflict(context, "cannot re-run: the task's name is unknown");
        var plan = RetryPlan.For(task);
        var args = (JsonArray?)body?["args"]?.DeepClone() ?? plan.Args;
        var kwargs = (JsonObject?)body?["kwargs"]?.DeepClone() ?? plan.Kwargs;
        if (args is null || kwargs is null) return ApiError.Conflict(context, "cannot re-run with the task's own arguments: " + plan.Refusal + " (send args and kwargs)");
        var newId = await SendAsync(app, task.Name, args, kwargs, await QueueAsync(context, task).ConfigureAwait(false), context.RequestAborted).ConfigureAwait(false);
        Audit(context, id, new JsonObject { ["task_id"] = newId, ["name"] = task.Name, ["args"] = args.DeepClone(), ["kwargs"] = kwargs.DeepClone() });
        return Results.Json(new NewTaskJson(newId), DashboardJson.Options);
    }

    private static async Task<IResult> RevokeAsync(HttpContext context, string id, bool terminate)
    {
        if (DashboardApp.Of(context) is not { } app) return ApiError.Unavailable(context, DashboardApp.Missing);
        var signal = "SIGTERM";
        if (terminate)
        {
            var (body, error) = await ReadBodyAsync(context).ConfigureAwait(false);
            if (error is not null) return ApiError.BadRequest(context, error);
            if (body?["signal"] is { } s)
            {
                if (s is not JsonValue v || !v.TryGetValue<string>(out var name) || !SignalName().IsMatch(name))
                    return ApiError.BadRequest(context, "signal must be a signal name such as SIGTERM or SIGKILL");
                signal = name.ToUpperInvariant();
            }
        }
        await app.Control.RevokeAsync([id], terminate, signal, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        Audit(context, id, terminate ? new JsonObject { ["terminate"] = true, ["signal"] = signal } : null);
        return Results.Json(new OkJson(true), DashboardJson.Options);
    }

    private static async Task<IResult> BulkAsync(HttpContext context, bool revoke)
    {
        if (DashboardApp.Of(context) is not { } app) return ApiError.Unavailable(context, DashboardApp.Missing);
        var (body, error) = await ReadBodyAsync(context).ConfigureAwait(false);
        if (error is not null) return ApiError.BadRequest(context, error);
        TaskSearchParameters filters;
        int max;
        try
        {
            filters = body?.Deserialize<TaskSearchParameters>(DashboardJson.Options) ?? new TaskSearchParameters();
            max = body?["max"] is { } m ? m.GetValue<int>() : BulkMax;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return ApiError.BadRequest(context, "the body must be the search's filters: {name, state, worker, queue, root_id, from, to, q, max} (" + e.Message + ")");
        }
        if (max is < 1 or > BulkMax) return ApiError.BadRequest(context, $"max must be from 1 to {BulkMax}");
        var (query, queryError) = filters.ToQuery(max, null);
        if (query is null) return ApiError.BadRequest(context, queryError!);
        Audit(context, null, body?.DeepClone());
        var store = context.RequestServices.GetRequiredService<IDashboardStore>();
        var matched = (await store.QueryTasksAsync(query, context.RequestAborted).ConfigureAwait(false)).Tasks;
        var acted = new List<string>();
        var refused = new List<RefusedJson>();
        if (revoke)
        {
            foreach (var t in matched)
                if (TaskStates.IsReady(t.State)) refused.Add(new RefusedJson(t.Id, $"it already finished ({t.State})"));
                else acted.Add(t.Id);
            if (acted.Count > 0) await app.Control.RevokeAsync(acted, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        }
        else
        {
            foreach (var t in matched)
            {
                var task = await TaskLookup.FindAsync(context, t.Id).ConfigureAwait(false);
                var plan = RetryPlan.For(task);
                if (plan.Refusal is not null) refused.Add(new RefusedJson(t.Id, plan.Refusal));
                else acted.Add(await SendAsync(app, plan.Name!, plan.Args!, plan.Kwargs!, await QueueAsync(context, task).ConfigureAwait(false), context.RequestAborted).ConfigureAwait(false));
            }
        }
        return Results.Json(new BulkJson(matched.Count, acted.Count, acted, refused), DashboardJson.Options);
    }

    private static async Task<string> SendAsync(CeleriacApp app, string name, JsonArray args, JsonObject kwargs, string? queue, CancellationToken ct)
    {
        var sent = await app.SendTaskAsync(name, args.Select(a => (object?)a), kwargs.ToDictionary(p => p.Key, p => (object?)p.Value),
            queue is null ? null : new TaskSendOptions { Queue = queue }, ct).ConfigureAwait(false);
        return sent.Id;
    }

    /// <summary>The JSON body as an object (an empty body is null), or why it is not one.</summary>
    internal static async Task<(JsonObject? Body, string? Error)> ReadBodyAsync(HttpContext context)
    {
        try
        {
            var node = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            return node switch
            {
                null => (null, null),
                JsonObject o => (o, null),
                _ => (null, "the body must be a JSON object"),
            };
        }
        catch (JsonException e) when (e.BytePositionInLine == 0 && e.LineNumber == 0 && context.Request.ContentLength is null or 0)
        {
            return (null, null); // no body at all
        }
        catch (JsonException e)
        {
            return (null, "the body is not valid JSON: " + e.Message);
        }
    }

    private static void Audit(HttpContext context, string? target, JsonNode? detail)
    {
        if (ActionAudit.Of(context) is not { } audit) return;
        if (target is not null) audit.Target = target;
        audit.Detail = detail?.ToJsonString();
    }

    [GeneratedRegex("^(SIG)?[A-Za-z0-9]{2,10}$")]
    private static partial Regex SignalName();
}

/// <summary>A new task's id.</summary>
internal sealed record NewTaskJson(string TaskId);

/// <summary><c>{"ok": true}</c>.</summary>
internal sealed record OkJson(bool Ok);

/// <summary>One task a bulk action did not act on, and why.</summary>
internal sealed record RefusedJson(string Id, string Reason);

/// <summary>A bulk action's outcome.</summary>
internal sealed record BulkJson(int Matched, int Acted, IReadOnlyList<string> TaskIds, IReadOnlyList<RefusedJson> Refused);
