using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Control;

/// <summary>A task waiting for its ETA on a worker (an entry of <c>inspect scheduled</c>).</summary>
/// <param name="Eta">When it is due, ISO 8601 as the worker wrote it.</param>
/// <param name="Priority">Its priority, when known.</param>
/// <param name="Request">The task.</param>
/// <param name="Raw">The entry as the worker sent it.</param>
public sealed record ScheduledTaskInfo(string? Eta, int? Priority, TaskRequestInfo Request, JsonObject Raw)
{
    /// <summary>Reads one entry; null when it is not one.</summary>
    internal static ScheduledTaskInfo? From(JsonNode? node) =>
        node is JsonObject o && TaskRequestInfo.From(o["request"]) is { } request
            ? new ScheduledTaskInfo(CeleryJson.GetString(o, "eta"), (int?)CeleryJson.AsInt64(o["priority"]), request, (JsonObject)o.DeepClone())
            : null;
}
