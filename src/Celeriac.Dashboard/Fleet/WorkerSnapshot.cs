using System.Text.Json.Nodes;

namespace Celeriac.Dashboard.Fleet;

/// <summary>One round of <c>inspect</c> replies: per node, each method's reply by name plus <c>timestamp</c> (Flower's shape).</summary>
/// <param name="At">When the replies were collected.</param>
/// <param name="Workers">Node name → <c>{"stats": …, "active_queues": […], …, "timestamp": 1700000000.0}</c>.</param>
internal sealed record WorkerSnapshot(DateTimeOffset At, IReadOnlyDictionary<string, JsonObject> Workers)
{
    /// <summary>The queue names a node consumes, from its <c>active_queues</c> reply; null when it did not say.</summary>
    public IReadOnlyList<string>? QueuesOf(string node) =>
        Workers.TryGetValue(node, out var info) && info["active_queues"] is JsonArray queues
            ? queues.OfType<JsonObject>().Select(q => q["name"] is JsonValue v && v.TryGetValue<string>(out var name) ? name : null).OfType<string>().ToList()
            : null;

    /// <summary>
    /// The one queue a node consumes, or null when it consumes several or did not say. Python's <c>task-received</c>
    /// names no queue and a Python client sends no <c>task-sent</c> by default, so a task's queue is often known only
    /// as this: the sole queue of the worker that took it.
    /// </summary>
    public string? SoleQueueOf(string node) => QueuesOf(node) is [var only] ? only : null;

    /// <summary>A node's <c>stats</c> reply, or null.</summary>
    public JsonObject? StatsOf(string node) => Workers.TryGetValue(node, out var info) ? info["stats"] as JsonObject : null;
}
