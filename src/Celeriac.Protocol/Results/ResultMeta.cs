using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Protocol.Results;

/// <summary>
/// The stored state of one task (docs/protocol.md §4.2): what a Redis backend keeps under
/// <c>celery-task-meta-&lt;id&gt;</c> and publishes on the channel of the same name.
/// </summary>
public sealed class ResultMeta
{
    /// <summary>Task id.</summary>
    public required string TaskId { get; init; }

    /// <summary>State name (<see cref="TaskStates"/>, or a custom one such as <c>PROGRESS</c>).</summary>
    public required string Status { get; init; }

    /// <summary>Return value, exception object, or state meta (STARTED: pid and hostname).</summary>
    public JsonNode? Result { get; init; }

    /// <summary>Traceback text for FAILURE and RETRY.</summary>
    public string? Traceback { get; init; }

    /// <summary>
    /// Result tuples of tasks sent from inside this one (docs/protocol.md §4.6); empty when none. Null only when
    /// read as null: Python writes that for a meta stored outside a task, and we write back what we read.
    /// </summary>
    public JsonArray? Children { get; init; } = new();

    /// <summary>When the task became ready (UTC); written naive as Celery 5.2 does.</summary>
    public DateTime? DateDone { get; init; }

    /// <summary>Group id when the task is part of a group or chord header.</summary>
    public string? GroupId { get; init; }

    /// <summary>The task that sent this one.</summary>
    public string? ParentId { get; init; }

    /// <summary>Extended fields (<c>result_extended</c>): name, args, kwargs, worker, retries, queue.</summary>
    public ExtendedResultFields? Extended { get; init; }

    /// <summary>
    /// The request's <c>reply_to</c>: the client queue an <c>rpc://</c> backend sends this meta to (docs/protocol.md §3.5).
    /// Filled by the worker from the task message; never written into the meta JSON, ignored by stores.
    /// </summary>
    internal string? ReplyTo { get; init; }

    /// <summary>The request's <c>correlation_id</c> (null: the task id); the rpc message's correlation id. Not written.</summary>
    internal string? CorrelationId { get; init; }

    /// <summary>A copy of this meta (fields shared, not cloned) sent to another reply queue: for metas built from scratch.</summary>
    internal ResultMeta AddressedTo(string? replyTo, string? correlationId) => new()
    {
        TaskId = TaskId, Status = Status, Result = Result, Traceback = Traceback, Children = Children, DateDone = DateDone,
        GroupId = GroupId, ParentId = ParentId, Extended = Extended, ReplyTo = replyTo, CorrelationId = correlationId,
    };

    /// <summary>True for SUCCESS, FAILURE and REVOKED.</summary>
    public bool IsReady => TaskStates.IsReady(Status);

    /// <summary>The exception for exception states, else null.</summary>
    public ExceptionInfo? Exception => TaskStates.IsException(Status) ? ExceptionInfo.FromJson(Result) : null;

    /// <summary>The meta object for a task nobody stored anything for.</summary>
    public static ResultMeta Pending(string taskId) => new() { TaskId = taskId, Status = TaskStates.Pending };

    /// <summary>The JSON Python writes, in Python's key order (a fresh object each call).</summary>
    public JsonObject ToJson() => (JsonObject)CeleryJson.Parse(Write())!;

    private byte[]? _utf8;

    /// <summary>
    /// Serialized meta as UTF-8 JSON, computed once: the worker serializes on the task's own slot
    /// so the completer, which writes whole batches on one thread, only copies bytes. Do not change
    /// the returned array or the <see cref="Result"/> node after calling it.
    /// </summary>
    public byte[] ToUtf8Bytes() => _utf8 ??= Write();

    // Written straight to the writer, not through a JsonObject: a meta is serialized per task.
    private byte[] Write() => CeleryJson.ToUtf8Bytes(this, static (w, m) =>
    {
        w.WriteStartObject();
        w.WriteString("status"u8, m.Status);
        WriteNode(w, "result"u8, m.Result);
        WriteString(w, "traceback"u8, m.Traceback);
        WriteNode(w, "children"u8, m.Children);
        WriteString(w, "date_done"u8, m.DateDone is { } d ? PythonDateTime.FormatNaiveUtc(d) : null);
        if (m.GroupId is not null) w.WriteString("group_id"u8, m.GroupId);
        if (m.ParentId is not null) w.WriteString("parent_id"u8, m.ParentId);
        if (m.Extended is { } x)
        {
            WriteString(w, "name"u8, x.Name);
            WriteNode(w, "args"u8, x.Args);
            WriteNode(w, "kwargs"u8, x.Kwargs);
            WriteString(w, "worker"u8, x.Worker);
            w.WritePropertyName("retries"u8);
            if (x.Retries is { } retries) w.WriteNumberValue(retries);
            else w.WriteNullValue();
            WriteString(w, "queue"u8, x.Queue);
        }
        w.WriteString("task_id"u8, m.TaskId);
        w.WriteEndObject();
    });

    private static void WriteString(Utf8JsonWriter w, ReadOnlySpan<byte> name, string? value)
    {
        if (value is null) w.WriteNull(name);
        else w.WriteString(name, value);
    }

    private static void WriteNode(Utf8JsonWriter w, ReadOnlySpan<byte> name, JsonNode? node)
    {
        w.WritePropertyName(name);
        CeleryJson.WriteNode(w, node);
    }

    /// <summary>Reads meta JSON. Throws <see cref="FormatException"/> when it is not a meta object.</summary>
    public static ResultMeta Parse(ReadOnlySpan<byte> utf8, string? taskId = null)
    {
        JsonNode? node;
        try { node = CeleryJson.Parse(utf8); }
        catch (JsonException ex) { throw new FormatException("result meta is not JSON: " + ex.Message, ex); }
        return FromJson(node as JsonObject ?? throw new FormatException("result meta is not an object"), taskId);
    }

    // Per-message hot path (a client's sends and waits too): compiled optimized at once. Tiered
    // compilation would run it unoptimized, then instrumented, through a process's first seconds.
    /// <summary>Reads a parsed meta object.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ResultMeta FromJson(JsonObject o, string? taskId = null)
    {
        var status = CeleryJson.GetString(o, "status") ?? throw new FormatException("result meta has no status");
        var id = CeleryJson.GetString(o, "task_id") ?? taskId ?? throw new FormatException("result meta has no task_id");
        ExtendedResultFields? extended = null;
        if (o.ContainsKey("name") || o.ContainsKey("worker"))
        {
            extended = new ExtendedResultFields(
                CeleryJson.GetString(o, "name"), o["args"]?.DeepClone() as JsonArray, o["kwargs"]?.DeepClone() as JsonObject,
                CeleryJson.GetString(o, "worker"), (int?)CeleryJson.GetInt64(o, "retries"), CeleryJson.GetString(o, "queue"));
        }
        var dateText = CeleryJson.GetString(o, "date_done");
        return new ResultMeta
        {
            TaskId = id,
            Status = status,
            Result = o["result"]?.DeepClone(),
            Traceback = CeleryJson.GetString(o, "traceback"),
            Children = o.TryGetPropertyValue("children", out var children) ? children?.DeepClone() as JsonArray : new JsonArray(),
            DateDone = dateText is null ? null : PythonDateTime.Parse(dateText).UtcDateTime,
            GroupId = CeleryJson.GetString(o, "group_id"),
            ParentId = CeleryJson.GetString(o, "parent_id"),
            Extended = extended,
        };
    }
}
