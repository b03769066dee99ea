using System.Text.Json;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Protocol.Control;

/// <summary>
/// One node's reply to a control request (docs/protocol.md §7.4): the body is <c>{"&lt;node&gt;": value}</c>;
/// the ticket and clock travel as message headers.
/// </summary>
/// <param name="Node">Replying node name.</param>
/// <param name="Value">The command's return value (<c>{"ok": ...}</c>, <c>{"error": ...}</c>, data or null).</param>
internal sealed record ControlReply(string Node, JsonNode? Value)
{
    /// <summary>The reply body.</summary>
    public JsonObject ToJson() => new() { [Node] = Value?.DeepClone() };

    /// <summary>Reads a reply body.</summary>
    public static ControlReply Parse(ReadOnlySpan<byte> utf8)
    {
        JsonNode? node;
        try { node = CeleryJson.Parse(utf8); }
        catch (JsonException ex) { throw new FormatException("control reply is not JSON: " + ex.Message, ex); }
        if (node is not JsonObject { Count: 1 } o) throw new FormatException("control reply must be an object with one node name");
        var (name, value) = o.First();
        return new ControlReply(name, value?.DeepClone());
    }

    /// <summary>The message headers a reply carries: <c>{"ticket": ..., "clock": ...}</c>.</summary>
    public static JsonObject Headers(string ticket, long clock) => new() { ["ticket"] = ticket, ["clock"] = clock };
}
