using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Events;

/// <summary>
/// One event as a monitor receives it (docs/protocol.md §6): the common fields typed, the task and worker
/// fields through typed accessors (null when the event has none), everything in <see cref="Raw"/>.
/// <see cref="Timestamp"/> and <see cref="Clock"/> are already adjusted as Python's
/// <c>EventReceiver</c> adjusts them.
/// </summary>
public sealed class CeleryEventInfo
{
    internal CeleryEventInfo(JsonObject raw, string type, double localReceived)
    {
        Raw = raw;
        Type = type;
        LocalReceived = localReceived;
    }

    /// <summary>Event type, e.g. <c>task-succeeded</c>, <c>worker-heartbeat</c>.</summary>
    public string Type { get; }

    /// <summary><c>task</c> or <c>worker</c>: the type up to the first '-'.</summary>
    public string Group => Type.Split('-', 2)[0];

    /// <summary>What happened: the type after the first '-' (<c>succeeded</c>, <c>heartbeat</c>).</summary>
    public string Subject => Type.Split('-', 2) is [_, var subject] ? subject : "";

    /// <summary>The sender's node name.</summary>
    public string Hostname => Str("hostname") ?? "";

    /// <summary>Unix time of the event, shifted into this receiver's zone by the <c>utcoffset</c> difference.</summary>
    public double? Timestamp => Num("timestamp");

    /// <summary>The sender's hours west of UTC.</summary>
    public int? UtcOffset => (int?)Int("utcoffset");

    /// <summary>The sender's process id.</summary>
    public long? Pid => Int("pid");

    /// <summary>The event's Lamport clock (for <c>task-sent</c>, the receiver's own clock − 1, as Python does).</summary>
    public long Clock => Int("clock") ?? 0;

    /// <summary>Unix time this receiver got the event.</summary>
    public double LocalReceived { get; }

    /// <summary>The task id (task events).</summary>
    public string? TaskId => Str("uuid");

    /// <summary>The task name (<c>task-received</c>, <c>task-sent</c>).</summary>
    public string? TaskName => Str("name");

    /// <summary>Positional arguments' repr (<c>task-received</c>, <c>task-sent</c>).</summary>
    public string? Args => Str("args");

    /// <summary>Keyword arguments' repr.</summary>
    public string? Kwargs => Str("kwargs");

    /// <summary>The retry count.</summary>
    public long? Retries => Int("retries");

    /// <summary>The root task's id.</summary>
    public string? RootId => Str("root_id");

    /// <summary>The parent task's id.</summary>
    public string? ParentId => Str("parent_id");

    /// <summary>ETA, ISO 8601.</summary>
    public string? Eta => Str("eta");

    /// <summary>Expiry, ISO 8601.</summary>
    public string? Expires => Str("expires");

    /// <summary>The result's repr (<c>task-succeeded</c>).</summary>
    public string? Result => Str("result");

    /// <summary>The exception's repr (<c>task-failed</c>, <c>task-retried</c>).</summary>
    public string? Exception => Str("exception");

    /// <summary>The traceback text.</summary>
    public string? Traceback => Str("traceback");

    /// <summary>Run time in seconds (<c>task-succeeded</c>).</summary>
    public double? Runtime => Num("runtime");

    /// <summary>Heartbeat interval in seconds (worker events).</summary>
    public double? Freq => Num("freq");

    /// <summary>Tasks running now (worker events).</summary>
    public long? Active => Int("active");

    /// <summary>Tasks processed since start (worker events).</summary>
    public long? Processed => Int("processed");

    /// <summary>Load averages over 1, 5 and 15 minutes (worker events).</summary>
    public IReadOnlyList<double>? LoadAverage => Raw["loadavg"] is JsonArray a ? a.Select(n => CeleryJson.AsDouble(n) ?? 0).ToList() : null;

    /// <summary>The worker software (<c>py-celery</c>, …).</summary>
    public string? SoftwareIdent => Str("sw_ident");

    /// <summary>The worker software's version.</summary>
    public string? SoftwareVersion => Str("sw_ver");

    /// <summary>The worker's operating system.</summary>
    public string? SoftwareSystem => Str("sw_sys");

    /// <summary>Every field of the event, with the receiver's adjustments and <c>local_received</c>.</summary>
    public JsonObject Raw { get; }

    private string? Str(string name) => Raw[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private long? Int(string name) => CeleryJson.AsInt64(Raw[name]) ?? (CeleryJson.AsDouble(Raw[name]) is { } d ? (long)d : null);

    private double? Num(string name) => CeleryJson.AsDouble(Raw[name]);

    /// <inheritdoc />
    public override string ToString() => $"{Type} from {Hostname} (clock {Clock})";
}
