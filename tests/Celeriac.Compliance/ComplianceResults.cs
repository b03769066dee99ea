using System.Text.Json.Nodes;
using Celeriac.Protocol.Results;

namespace Celeriac.Compliance;

/// <summary>Result metas the backend suite stores, shaped as a Python 5.2 worker writes them (docs/protocol.md §4.2).</summary>
public static class ComplianceResults
{
    /// <summary>A fresh task id.</summary>
    public static string NewId() => Guid.NewGuid().ToString();

    /// <summary>A date with microsecond precision, as Python writes <c>date_done</c>.</summary>
    public static DateTime DateDone { get; } = new DateTime(2026, 11, 21, 5, 44, 51, DateTimeKind.Utc).AddTicks(7_148_950);

    /// <summary>A SUCCESS meta with a result, children, group and parent.</summary>
    public static ResultMeta Success(string taskId, JsonNode? result = null) => new()
    {
        TaskId = taskId,
        Status = TaskStates.Success,
        Result = result ?? new JsonObject { ["sum"] = 5, ["items"] = new JsonArray(1, "two", null, 3.5), ["text"] = "é ✓" },
        Children = new JsonArray(new JsonArray(new JsonArray("b4000000-0000-0000-0000-000000000004", null), null)),
        DateDone = DateDone,
        GroupId = "f34f0000-0000-0000-0000-000000000001",
        ParentId = "a1000000-0000-0000-0000-000000000002",
    };

    /// <summary>A FAILURE meta with an exception and a traceback.</summary>
    public static ResultMeta Failure(string taskId) => new()
    {
        TaskId = taskId,
        Status = TaskStates.Failure,
        Result = new JsonObject { ["exc_type"] = "ValueError", ["exc_message"] = new JsonArray("boom"), ["exc_module"] = "builtins" },
        Traceback = "Traceback (most recent call last):\n  File \"tasks.py\", line 3, in add\nValueError: boom\n",
        Children = [],
        DateDone = DateDone,
    };

    /// <summary>A non-ready meta: STARTED (pid and hostname), RETRY, or a custom state such as PROGRESS.</summary>
    public static ResultMeta State(string taskId, string status, int step = 0) => new()
    {
        TaskId = taskId,
        Status = status,
        Result = status == TaskStates.Started
            ? new JsonObject { ["pid"] = 4242, ["hostname"] = "celery@compliance" }
            : new JsonObject { ["step"] = step },
        Children = [],
    };

    /// <summary>A ready meta of the given ready state.</summary>
    public static ResultMeta Ready(string taskId, string status) => status switch
    {
        TaskStates.Success => Success(taskId),
        TaskStates.Failure => Failure(taskId),
        TaskStates.Revoked => new ResultMeta
        {
            TaskId = taskId,
            Status = TaskStates.Revoked,
            Result = new JsonObject { ["exc_type"] = "TaskRevokedError", ["exc_message"] = new JsonArray("revoked"), ["exc_module"] = "celery.exceptions" },
            Children = [],
            DateDone = DateDone,
        },
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "not a ready state"),
    };

    /// <summary>The meta as JSON text: how two metas are compared (what a Python reader would see).</summary>
    public static string Json(ResultMeta meta) => meta.ToJson().ToJsonString();
}
