using System.Text.Json.Nodes;
using Celeriac.Dashboard.Store;
using Celeriac.Protocol.Results;

namespace Celeriac.Dashboard.Web.Api;

/// <summary>
/// A task in Flower's shape (<c>Task.as_dict()</c> of <c>celery.events.state</c>): every field present, null when
/// unknown, times as Unix seconds, args/kwargs/result as the repr strings — so scripts written against Flower's
/// <c>/api/tasks</c> and <c>/api/task/info</c> read ours.
/// </summary>
internal static class FlowerTaskJson
{
    public static JsonObject From(TaskRecord t)
    {
        double? Unix(DateTimeOffset? at) => at is { } a ? (a - DateTimeOffset.UnixEpoch).TotalSeconds : null;
        double? FinishedAs(string state) => t.State == state ? Unix(t.Finished ?? t.Updated) : null;
        return new JsonObject
        {
            ["uuid"] = t.Id, ["name"] = t.Name, ["state"] = t.State,
            ["received"] = Unix(t.Received), ["sent"] = null, ["started"] = Unix(t.Started),
            ["succeeded"] = FinishedAs(TaskStates.Success), ["failed"] = FinishedAs(TaskStates.Failure),
            ["retried"] = t.State == TaskStates.Retry ? Unix(t.Updated) : null, ["revoked"] = FinishedAs(TaskStates.Revoked),
            ["rejected"] = FinishedAs(TaskStates.Rejected),
            ["args"] = t.Args, ["kwargs"] = t.Kwargs, ["result"] = t.Result, ["exception"] = t.Exception, ["traceback"] = t.Traceback,
            ["runtime"] = t.Runtime, ["worker"] = t.Worker, ["root_id"] = t.RootId, ["parent_id"] = t.ParentId,
            ["timestamp"] = Unix(t.Updated), ["retries"] = t.Retries, ["eta"] = t.Eta?.ToString("O"), ["expires"] = t.Expires?.ToString("O"),
            ["clock"] = null, ["client"] = null, ["exchange"] = null, ["routing_key"] = t.Queue,
        };
    }

    /// <summary>The same shape from the result backend's meta, for a task the store never saw.</summary>
    public static JsonObject From(ResultMeta b)
    {
        double? done = TaskLookup.DoneAt(b) is { } d ? (d - DateTimeOffset.UnixEpoch).TotalSeconds : null;
        return new JsonObject
        {
            ["uuid"] = b.TaskId, ["name"] = b.Extended?.Name, ["state"] = b.Status, ["received"] = null, ["sent"] = null, ["started"] = null,
            ["succeeded"] = b.Status == TaskStates.Success ? done : null, ["failed"] = b.Status == TaskStates.Failure ? done : null,
            ["retried"] = null, ["revoked"] = b.Status == TaskStates.Revoked ? done : null, ["rejected"] = null,
            ["args"] = b.Extended?.Args?.ToJsonString(), ["kwargs"] = b.Extended?.Kwargs?.ToJsonString(),
            ["result"] = b.Exception is null ? b.Result?.ToJsonString() : null, ["exception"] = b.Exception?.Repr, ["traceback"] = b.Traceback,
            ["runtime"] = null, ["worker"] = b.Extended?.Worker, ["root_id"] = null, ["parent_id"] = b.ParentId, ["timestamp"] = done,
            ["retries"] = b.Extended?.Retries, ["eta"] = null, ["expires"] = null, ["clock"] = null, ["client"] = null, ["exchange"] = null,
            ["routing_key"] = b.Extended?.Queue,
        };
    }
}
