using System.Text.Json.Nodes;

namespace Celeriac.Protocol.Messages;

/// <summary>
/// The third element of a protocol v2 body (docs/protocol.md §1.4): signatures to run after this task.
/// Signatures stay JSON objects here; the canvas layer gives them types.
/// </summary>
internal sealed class TaskEmbed
{
    /// <summary>Signatures sent with the result prepended after success (<c>link</c>).</summary>
    public JsonArray? Callbacks { get; set; }

    /// <summary>Signatures sent with <c>[task_id]</c> after failure (<c>link_error</c>).</summary>
    public JsonArray? Errbacks { get; set; }

    /// <summary>Remaining chain steps, reversed: the next step is the last element (docs/protocol.md §1.7).</summary>
    public JsonArray? Chain { get; set; }

    /// <summary>The chord body this task is a header part of (docs/protocol.md §1.9).</summary>
    public JsonObject? Chord { get; set; }

    /// <summary>True when nothing is embedded.</summary>
    public bool IsEmpty => Callbacks is null && Errbacks is null && Chain is null && Chord is null;

    /// <summary>The JSON object Python writes: all four keys, null when unused.</summary>
    public JsonObject ToJson() => new()
    {
        ["callbacks"] = Callbacks?.DeepClone(),
        ["errbacks"] = Errbacks?.DeepClone(),
        ["chain"] = Chain?.DeepClone(),
        ["chord"] = Chord?.DeepClone(),
    };

    /// <summary>Reads an embed object; null or <c>{}</c> gives an empty embed.</summary>
    public static TaskEmbed FromJson(JsonNode? node)
    {
        if (node is null) return new TaskEmbed();
        if (node is not JsonObject obj) throw new InvalidMessageException("body embed is not an object");
        return new TaskEmbed
        {
            Callbacks = AsArray(obj, "callbacks"),
            Errbacks = AsArray(obj, "errbacks"),
            Chain = AsArray(obj, "chain"),
            Chord = obj["chord"] switch
            {
                null => null,
                JsonObject c => (JsonObject)c.DeepClone(),
                _ => throw new InvalidMessageException("embed 'chord' is not a signature object"),
            },
        };
    }

    private static JsonArray? AsArray(JsonObject obj, string name) => obj[name] switch
    {
        null => null,
        JsonArray a => (JsonArray)a.DeepClone(),
        // Python accepts a single signature where a list is expected.
        JsonObject o => new JsonArray(o.DeepClone()),
        _ => throw new InvalidMessageException($"embed '{name}' is not a list of signatures"),
    };
}
