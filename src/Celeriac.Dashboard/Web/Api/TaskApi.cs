using Celeriac.Dashboard.Security;
using Celeriac.Dashboard.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Celeriac.Dashboard.Web.Api;

/// <summary>
/// Our task endpoints: search, detail (store + result backend), workflow graph, and the actions — retry, re-run
/// with edited arguments, revoke, terminate, and bulk retry/revoke over a search. Flower's are in
/// <see cref="FlowerTaskApi"/>.
/// </summary>
internal static class TaskApi
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/tasks/search", SearchAsync)
            .WithSummary("Search tasks")
            .WithDescription("Filters: name, state, worker, queue, id, root_id, from/to (first seen; ISO 8601 or Unix seconds), q (words in args, kwargs, result, exception). " +
                "sort=first_seen|updated|runtime|name, order=desc|asc, limit (1..1000, 50), cursor (next_cursor of the previous page). Payloads are cut to 200 characters.")
            .Produces<TaskSearchJson>().Produces<ErrorBody>(400);
        api.MapGet("/tasks/{id}", DetailAsync)
            .WithSummary("One task: every field, the state timeline, its children, the result backend's meta")
            .WithDescription("result_source is \"backend\" when the whole result and traceback come from the result backend. A task only the backend knows is shown too. " +
                "retryable says whether retry can send it again with the same arguments, retry_refusal why not.")
            .Produces<TaskDetailJson>().Produces<ErrorBody>(404);
        api.MapGet("/workflows/{root_id}", WorkflowAsync)
            .WithSummary("The graph of the workflow (chain, group, chord) a task belongs to")
            .WithDescription("Nodes with states; edges parent (chain step), group (a task sent a group), chord (each header member to the body).")
            .Produces<WorkflowJson>().Produces<ErrorBody>(404);
        TaskActions.Map(api);
        FlowerTaskApi.Map(api);
    }

    private static async Task<IResult> SearchAsync(HttpContext context, [AsParameters] TaskSearchParameters filters, string? limit, string? cursor)
    {
        if (!QueryValues.TryInt(limit, 50, 1, 1000, out var size)) return ApiError.BadRequest(context, "limit must be a whole number from 1 to 1000");
        var (query, error) = filters.ToQuery(size, cursor);
        if (query is null) return ApiError.BadRequest(context, error!);
        var store = context.RequestServices.GetRequiredService<IDashboardStore>();
        TaskPage page;
        try
        {
            page = await store.QueryTasksAsync(query, context.RequestAborted).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            return ApiError.BadRequest(context, e.Message);
        }
        return Results.Json(new TaskSearchJson(page.Tasks.Select(t => TaskRowJson.From(t)).ToList(), page.NextCursor), DashboardJson.Options);
    }

    private static async Task<IResult> DetailAsync(HttpContext context, string id)
    {
        var task = await TaskLookup.FindAsync(context, id).ConfigureAwait(false);
        if (!task.Exists) return ApiError.NotFound(context, $"no task '{id}' is known to the store or the result backend");
        var children = new List<TaskRowJson>();
        if (task.Stored is { Task: var t })
        {
            var workflow = await context.RequestServices.GetRequiredService<IDashboardStore>().GetWorkflowAsync(t.RootId ?? t.Id, context.RequestAborted).ConfigureAwait(false);
            children.AddRange(workflow.Where(c => c.ParentId == id && c.Id != id).Select(c => TaskRowJson.From(c)));
        }
        var b = task.Backend;
        var backend = b is null ? null : new BackendMetaJson(b.Status, b.Result?.DeepClone(), b.Traceback, b.Extended?.Args?.DeepClone(), b.Extended?.Kwargs?.DeepClone(),
            TaskLookup.DoneAt(b));
        var retry = RetryPlan.For(task);
        return Results.Json(new TaskDetailJson(task.Row(), (task.Stored?.Timeline ?? []).Select(e => new TimelineJson(e.State, e.Timestamp, e.Worker, null)).ToList(),
            children, b is not null && b.IsReady ? "backend" : "store", backend, retry.Refusal is null, retry.Refusal, task.BackendError), DashboardJson.Options);
    }

    private static async Task<IResult> WorkflowAsync(HttpContext context, string root_id)
    {
        var graph = await WorkflowGraph.BuildAsync(context, root_id).ConfigureAwait(false);
        return graph is null ? ApiError.NotFound(context, $"no task of workflow '{root_id}' is in the store") : Results.Json(graph, DashboardJson.Options);
    }
}

/// <summary>A page of search results.</summary>
internal sealed record TaskSearchJson(IReadOnlyList<TaskRowJson> Tasks, string? NextCursor);

/// <summary>One row of a task's timeline.</summary>
internal sealed record TimelineJson(string State, DateTimeOffset At, string? Worker, string? Detail);

/// <summary>The result backend's meta of a task.</summary>
internal sealed record BackendMetaJson(string State, System.Text.Json.Nodes.JsonNode? Result, string? Traceback, System.Text.Json.Nodes.JsonNode? Args,
    System.Text.Json.Nodes.JsonNode? Kwargs, DateTimeOffset? DateDone);

/// <summary>The task detail's JSON.</summary>
internal sealed record TaskDetailJson(TaskRowJson Task, IReadOnlyList<TimelineJson> Timeline, IReadOnlyList<TaskRowJson> Children, string ResultSource,
    BackendMetaJson? Backend, bool Retryable, string? RetryRefusal, string? BackendError);
