using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Control;

/// <summary>
/// One worker's answer to a control command: by convention <c>{"ok": "…"}</c> or <c>{"error": "…"}</c>
/// (docs/protocol.md §7.4); some commands answer null (<c>heartbeat</c>) or data.
/// </summary>
/// <param name="Raw">The reply value as the worker sent it.</param>
public sealed record ControlResponse(JsonNode? Raw)
{
    /// <summary>The <c>ok</c> text, or null.</summary>
    public string? Ok => Raw is JsonObject o ? Text(o["ok"]) : null;

    /// <summary>The <c>error</c> text, or null.</summary>
    public string? Error => Raw is JsonObject o ? Text(o["error"]) : null;

    /// <summary>True when the worker reported an error.</summary>
    public bool IsError => Raw is JsonObject o && o.ContainsKey("error");

    private static string? Text(JsonNode? node) => node is null ? null
        : node is JsonValue v && v.TryGetValue<string>(out var s) ? s : CeleryJson.ToJsonString(node);
}
