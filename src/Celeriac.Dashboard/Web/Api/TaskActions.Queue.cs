using Celeriac.Dashboard.Fleet;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Celeriac.Dashboard.Web.Api;

/// <content>Where a retry or re-run goes when the task's own queue is unknown.</content>
internal static partial class TaskActions
{
    /// <summary>
    /// The task's queue when the store or the backend knows it; else the one queue the worker that ran it consumes
    /// (its <c>active_queues</c>): Python's <c>task-received</c> names no queue and a Python client sends no
    /// <c>task-sent</c>, so without this a retry of a task from a Python client on a queue of its own would go to
    /// the default queue, where no worker may listen. Null (the default queue) when the worker consumes several.
    /// </summary>
    private static async Task<string?> QueueAsync(HttpContext context, TaskLookup task)
    {
        if (task.Queue is { } known) return known;
        var worker = task.Stored?.Task.Worker ?? task.Backend?.Extended?.Worker;
        if (worker is null || context.RequestServices.GetService<WorkerInspection>() is not { } inspection) return null;
        var live = await WorkerApi.LiveOrNullAsync(inspection, context.RequestAborted).ConfigureAwait(false);
        return live?.SoleQueueOf(worker);
    }
}
