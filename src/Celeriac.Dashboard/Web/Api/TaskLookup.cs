using Celeriac.Dashboard.Store;
using Celeriac.Protocol.Results;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Celeriac.Dashboard.Web.Api;

/// <summary>
/// A task as the store saw it (events) and as the result backend holds it (the whole result, traceback and —
/// with <c>result_extended</c> — name, args, kwargs and queue). Either may be missing: a task the store never
/// saw but the backend knows is still a task.
/// </summary>
internal sealed record TaskLookup(TaskDetail? Stored, ResultMeta? Backend, string? BackendError)
{
    public static async Task<TaskLookup> FindAsync(HttpContext context, string id)
    {
        var store = context.RequestServices.GetRequiredService<IDashboardStore>();
        var stored = await store.GetTaskAsync(id, context.RequestAborted).ConfigureAwait(false);
        var (meta, error) = await ReadBackendAsync(context, id).ConfigureAwait(false);
        return new TaskLookup(stored, meta, error);
    }

    /// <summary>The backend's meta, or null when there is no backend, it never heard of the task, or it is down (then the error).</summary>
    public static async Task<(ResultMeta? Meta, string? Error)> ReadBackendAsync(HttpContext context, string id)
    {
        if (DashboardApp.Of(context) is not { } app || !DashboardApp.HasBackend(app)) return (null, null);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var meta = (await app.Result(id).RefreshAsync(timeout.Token).ConfigureAwait(false)).Meta;
            // PENDING is also what a backend says of an id it never heard of.
            return (meta.Status == TaskStates.Pending && meta.DateDone is null && meta.Extended is null ? null : meta, null);
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Celeriac.Dashboard").LogWarning(e, "Reading task {TaskId} from the result backend failed", id);
            return (null, "the result backend could not be read: " + e.Message);
        }
    }

    public bool Exists => Stored is not null || Backend is not null;

    /// <summary>The meta's <c>date_done</c> (a UTC time without its zone) as a time.</summary>
    public static DateTimeOffset? DoneAt(ResultMeta meta) => meta.DateDone is { } d ? new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)) : null;

    public string? Name => Stored?.Task.Name ?? Backend?.Extended?.Name;

    public string? Queue => Stored?.Task.Queue ?? Backend?.Extended?.Queue;

    /// <summary>The row the detail shows: the store's, or one made from the backend's meta.</summary>
    public TaskRowJson Row()
    {
        if (Stored is { Task: var t }) return TaskRowJson.From(t, payload: null) with { Traceback = t.Traceback ?? Backend?.Traceback };
        var b = Backend!;
        var done = DoneAt(b);
        return new TaskRowJson
        {
            Id = b.TaskId, State = b.Status, Name = b.Extended?.Name, Queue = b.Extended?.Queue, Worker = b.Extended?.Worker, Retries = b.Extended?.Retries,
            ParentId = b.ParentId, GroupId = b.GroupId, Args = b.Extended?.Args?.ToJsonString(), Kwargs = b.Extended?.Kwargs?.ToJsonString(),
            Result = b.Exception is null ? b.Result?.ToJsonString() : null, Exception = b.Exception?.Repr,
            Traceback = b.Traceback, Updated = done, Finished = b.IsReady ? done : null,
        };
    }
}
