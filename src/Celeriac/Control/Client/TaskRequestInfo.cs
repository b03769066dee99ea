using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Control;

/// <summary>
/// A task a worker holds, as <c>active</c>, <c>reserved</c>, <c>scheduled</c> and <c>query_task</c> describe it
/// (docs/protocol.md §7.6, Python's <c>Request.info</c>).
/// </summary>
public sealed record TaskRequestInfo
{
    /// <summary>Task id.</summary>
    public required string Id { get; init; }

    /// <summary>Display name (the shadow name, or the task name).</summary>
    public string? Name { get; init; }

    /// <summary>The task's registered name.</summary>
    public string? Type { get; init; }

    /// <summary>Positional arguments (a list, or a repr string from a worker inspecting safely).</summary>
    public JsonNode? Args { get; init; }

    /// <summary>Keyword arguments (an object, or a repr string).</summary>
    public JsonNode? Kwargs { get; init; }

    /// <summary>The worker's node name.</summary>
    public string? Hostname { get; init; }

    /// <summary>Unix time the task started running, or null when it has not.</summary>
    public double? TimeStart { get; init; }

    /// <summary>Whether the message has been acknowledged.</summary>
    public bool Acknowledged { get; init; }

    /// <summary>The exchange the task was published to.</summary>
    public string? Exchange { get; init; }

    /// <summary>The routing key it was published with.</summary>
    public string? RoutingKey { get; init; }

    /// <summary>Message priority, when known.</summary>
    public int? Priority { get; init; }

    /// <summary>Whether the broker redelivered the message (null when unknown).</summary>
    public bool? Redelivered { get; init; }

    /// <summary>The pool process running it (Python), or null.</summary>
    public long? WorkerPid { get; init; }

    /// <summary>The whole description as the worker sent it.</summary>
    public required JsonObject Raw { get; init; }

    /// <summary>Reads one description; null when it is not one.</summary>
    internal static TaskRequestInfo? From(JsonNode? node)
    {
        if (node is not JsonObject o || CeleryJson.GetString(o, "id") is not { } id) return null;
        var delivery = o["delivery_info"] as JsonObject;
        return new TaskRequestInfo
        {
            Id = id,
            Name = CeleryJson.GetString(o, "name"),
            Type = CeleryJson.GetString(o, "type"),
            Args = o["args"]?.DeepClone(),
            Kwargs = o["kwargs"]?.DeepClone(),
            Hostname = CeleryJson.GetString(o, "hostname"),
            TimeStart = CeleryJson.AsDouble(o["time_start"]),
            Acknowledged = CeleryJson.GetBool(o, "acknowledged"),
            Exchange = delivery is null ? null : CeleryJson.GetString(delivery, "exchange"),
            RoutingKey = delivery is null ? null : CeleryJson.GetString(delivery, "routing_key"),
            Priority = delivery is null ? null : (int?)CeleryJson.AsInt64(delivery["priority"]),
            Redelivered = delivery?["redelivered"] is JsonValue r && r.TryGetValue<bool>(out var b) ? b : null,
            WorkerPid = CeleryJson.AsInt64(o["worker_pid"]),
            Raw = (JsonObject)o.DeepClone(),
        };
    }
}
