using System.Text.Json.Nodes;
using Celeriac.Dashboard.Security;
using Celeriac.Dashboard.Store;
using Celeriac.Protocol.Results;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Celeriac.Dashboard.Web.Api;

/// <summary>
/// Flower's task endpoints under its paths, parameters and shapes (<c>flower/api/tasks.py</c>, <c>control.py</c>),
/// so Flower users' scripts keep working: list, types, info, result, apply/async-apply/send-task, revoke, abort.
/// </summary>
internal static class FlowerTaskApi
{
    private const int ListMax = 10_000;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/tasks", ListAsync)
            .WithSummary("Flower: list tasks as {task_id: task}")
            .WithDescription("limit (default 1000, at most 10000), offset, sort_by (name, state, received, started, runtime; '-' first reverses), " +
                "workername, taskname, state ('All' is no filter), received_start/received_end ('%Y-%m-%d %H:%M' or ISO), search (words).");
        api.MapGet("/task/types", (Func<HttpContext, Task<IResult>>)TypesAsync).WithSummary("Flower: the task names seen");
        api.MapGet("/task/info/{id}", InfoAsync).WithSummary("Flower: one task's fields");
        api.MapGet("/task/result/{id}", ResultAsync)
            .WithSummary("Flower: a task's state and result from the result backend")
            .WithDescription("timeout: seconds to wait for it to finish (504 when it does not); 503 without a result backend.");
        api.MapPost("/task/apply/{name}", (HttpContext c, string name, string? timeout) => SendAsync(c, name, wait: true, timeout)).AsAction("task.apply")
            .WithSummary("Flower: send a task and wait for its result").WithDescription("Body {args, kwargs, …apply_async options}. Waits at most timeout seconds (default 60).");
        api.MapPost("/task/async-apply/{name}", (HttpContext c, string name) => SendAsync(c, name, wait: false, null)).AsAction("task.async_apply")
            .WithSummary("Flower: send a task").WithDescription("Body {args, kwargs, …apply_async options: queue, routing_key, exchange, priority, countdown, eta, expires, task_id}.");
        api.MapPost("/task/send-task/{name}", (HttpContext c, string name) => SendAsync(c, name, wait: false, null)).AsAction("task.send_task")
            .WithSummary("Flower: send a task by name").WithDescription("As async-apply: any name, also a task only a Python worker has.");
        api.MapPost("/task/revoke/{id}", RevokeAsync).AsAction("task.revoke")
            .WithSummary("Flower: revoke a task").WithDescription("terminate=true also stops it when running, with signal (default SIGTERM).");
        api.MapPost("/task/abort/{id}", AbortAsync).AsAction("task.abort")
            .WithSummary("Flower: abort a task (AbortableTask)").WithDescription("Stores the state ABORTED in the result backend, which an AbortableTask polls.");
    }

    private static async Task<IResult> ListAsync(HttpContext context, string? limit, string? offset, string? sort_by, string? workername, string? taskname,
        string? state, string? received_start, string? received_end, string? search)
    {
        if (!QueryValues.TryInt(limit, 1000, 1, ListMax, out var size)) return ApiError.BadRequest(context, $"limit must be a whole number from 1 to {ListMax}");
        if (!QueryValues.TryInt(offset, 0, 0, 100_000, out var skip)) return ApiError.BadRequest(context, "offset must be a whole number from 0 to 100000");
        var sortName = sort_by?.TrimStart('-');
        var sort = sortName switch
        {
            null or "" or "received" or "started" or "state" or "timestamp" => TaskSort.FirstSeen,
            "name" => TaskSort.Name,
            "runtime" => TaskSort.Runtime,
            _ => (TaskSort?)null,
        };
        if (sort is null) return ApiError.BadRequest(context, "sort_by must be name, state, received, started or runtime (with '-' to reverse)");
        var filters = new TaskSearchParameters
        {
            Worker = All(workername), Name = All(taskname), State = All(state), From = received_start, To = received_end, Q = search,
            Sort = sort switch { TaskSort.Name => "name", TaskSort.Runtime => "runtime", _ => "first_seen" },
            // Flower sorts ascending by the key unless it starts with '-'; without sort_by, newest first.
            Order = string.IsNullOrEmpty(sort_by) || sort_by.StartsWith('-') ? "desc" : "asc",
        };
        var (query, error) = filters.ToQuery(1000, null);
        if (query is null) return ApiError.BadRequest(context, error!.Replace("from ", "received_start ", StringComparison.Ordinal).Replace("to ", "received_end ", StringComparison.Ordinal));
        var store = context.RequestServices.GetRequiredService<IDashboardStore>();
        var result = new JsonObject();
        var index = 0;
        // Flower pages by offset; the store by key: walk pages, skipping, until the limit is filled.
        for (string? cursor = null; ;)
        {
            var page = await store.QueryTasksAsync(query with { Cursor = cursor }, context.RequestAborted).ConfigureAwait(false);
            foreach (var t in page.Tasks)
            {
                if (index++ < skip) continue;
                result[t.Id] = FlowerTaskJson.From(t);
                if (result.Count >= size) return Results.Json(result, DashboardJson.Options);
            }
            if ((cursor = page.NextCursor) is null) return Results.Json(result, DashboardJson.Options);
        }
    }

    private static async Task<IResult> TypesAsync(HttpContext context)
    {
        var store = context.RequestServices.GetRequiredService<IDashboardStore>();
        var options = context.RequestServices.GetRequiredService<IOptions<DashboardOptions>>().Value;
        var now = DateTimeOffset.UtcNow;
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var r in await store.GetRollupsAsync(now - (options.Retention.MaxAge ?? TimeSpan.FromDays(7)), now.AddMinutes(1), null, null, context.RequestAborted).ConfigureAwait(false))
            names.Add(r.TaskName);
        foreach (var t in (await store.QueryTasksAsync(new TaskQuery { Limit = 1000 }, context.RequestAborted).ConfigureAwait(false)).Tasks)
            if (t.Name is not null) names.Add(t.Name);
        return Results.Json(new JsonObject { ["task-types"] = new JsonArray(names.Select(n => (JsonNode?)n).ToArray()) }, DashboardJson.Options);
    }

    private static async Task<IResult> InfoAsync(HttpContext context, string id)
    {
        var task = await TaskLookup.FindAsync(context, id).ConfigureAwait(false);
        if (!task.Exists) return ApiError.NotFound(context, $"Unknown task '{id}'");
        var info = task.Stored is { Task: var t } ? FlowerTaskJson.From(t) : FlowerTaskJson.From(task.Backend!);
        info["task-id"] = id;
        return Results.Json(info, DashboardJson.Options);
    }

    private static async Task<IResult> ResultAsync(HttpContext context, string id, string? timeout)
    {
        if (!QueryValues.TryDouble(timeout, out var wait) || wait > 3600) return ApiError.BadRequest(context, "timeout must be a number of seconds from 0 to 3600");
        if (DashboardApp.Of(context) is not { } app) return ApiError.Unavailable(context, DashboardApp.Missing);
        if (!DashboardApp.HasBackend(app)) return ApiError.Unavailable(context, "the result backend is not configured");
        var result = app.Result(id);
        if (wait is > 0)
        {
            try
            {
                await result.WaitAsync(TimeSpan.FromSeconds(wait.Value), context.RequestAborted).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return ApiError.Json(context, StatusCodes.Status504GatewayTimeout, $"task '{id}' was not ready within {wait} s");
            }
        }
        else await result.RefreshAsync(context.RequestAborted).ConfigureAwait(false);
        return Results.Json(ResultResponse(id, result.Meta), DashboardJson.Options);
    }

    /// <summary>Flower's <c>{task-id, state, result[, traceback]}</c>: the result only once ready, the traceback only for a failure.</summary>
    private static JsonObject ResultResponse(string id, ResultMeta meta)
    {
        var response = new JsonObject { ["task-id"] = id, ["state"] = meta.Status };
        if (!meta.IsReady) return response;
        response["result"] = meta.Exception?.Repr is { } repr ? repr : meta.Result?.DeepClone();
        if (meta.Status == TaskStates.Failure) response["traceback"] = meta.Traceback;
        return response;
    }

    private static async Task<IResult> SendAsync(HttpContext context, string name, bool wait, string? timeout)
    {
        if (DashboardApp.Of(context) is not { } app) return ApiError.Unavailable(context, DashboardApp.Missing);
        if (!QueryValues.TryDouble(timeout, out var seconds) || seconds > 3600) return ApiError.BadRequest(context, "timeout must be a number of seconds from 0 to 3600");
        var (body, bodyError) = await TaskActions.ReadBodyAsync(context).ConfigureAwait(false);
        if (bodyError is not null) return ApiError.BadRequest(context, bodyError);
        var (request, error) = FlowerTaskOptions.Read(body);
        if (request is null) return ApiError.BadRequest(context, error!);
        var hasBackend = DashboardApp.HasBackend(app);
        if (wait && !hasBackend) return ApiError.Unavailable(context, "apply waits for the result, and the result backend is not configured (use async-apply)");
        var sent = await app.SendTaskAsync(name, request.Args.Select(a => (object?)a), request.Kwargs.ToDictionary(p => p.Key, p => (object?)p.Value),
            request.Options, context.RequestAborted).ConfigureAwait(false);
        if (ActionAudit.Of(context) is { } audit)
        {
            audit.Target = name;
            audit.Detail = new JsonObject { ["task_id"] = sent.Id, ["body"] = body?.DeepClone() }.ToJsonString();
        }
        if (!wait) return Results.Json(hasBackend ? new JsonObject { ["task-id"] = sent.Id, ["state"] = TaskStates.Pending } : new JsonObject { ["task-id"] = sent.Id }, DashboardJson.Options);
        try
        {
            var meta = await sent.WaitAsync(TimeSpan.FromSeconds(seconds ?? 60), context.RequestAborted).ConfigureAwait(false);
            return Results.Json(ResultResponse(sent.Id, meta), DashboardJson.Options);
        }
        catch (TimeoutException)
        {
            return ApiError.Json(context, StatusCodes.Status504GatewayTimeout, $"task '{sent.Id}' was sent but not ready within {seconds ?? 60} s");
        }
    }

    private static async Task<IResult> RevokeAsync(HttpContext context, string id, string? terminate, string? signal)
    {
        if (DashboardApp.Of(context) is not { } app) return ApiError.Unavailable(context, DashboardApp.Missing);
        if (!QueryValues.TryBool(terminate, out var kill)) return ApiError.BadRequest(context, "terminate must be true or false");
        var sig = string.IsNullOrWhiteSpace(signal) ? "SIGTERM" : signal.Trim().ToUpperInvariant();
        await app.Control.RevokeAsync([id], kill, sig, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        if (ActionAudit.Of(context) is { } audit) audit.Detail = new JsonObject { ["terminate"] = kill, ["signal"] = sig }.ToJsonString();
        return Results.Json(new JsonObject { ["message"] = $"Revoked '{id}'" }, DashboardJson.Options);
    }

    private static async Task<IResult> AbortAsync(HttpContext context, string id)
    {
        if (DashboardApp.Of(context) is not { } app) return ApiError.Unavailable(context, DashboardApp.Missing);
        if (!DashboardApp.HasBackend(app)) return ApiError.Unavailable(context, "the result backend is not configured");
        // AbortableAsyncResult.abort(): store_result(id, None, ABORTED); the task polls is_aborted().
        await app.Backend.StoreAsync([new ResultMeta { TaskId = id, Status = "ABORTED", Result = null }], context.RequestAborted).ConfigureAwait(false);
        return Results.Json(new JsonObject { ["message"] = $"Aborted '{id}'" }, DashboardJson.Options);
    }

    private static string? All(string? value) => value is null or "All" ? null : value;
}
