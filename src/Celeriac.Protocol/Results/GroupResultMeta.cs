using System.Text.Json;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Protocol.Results;

/// <summary>
/// A saved group result (docs/protocol.md §4.7): what <c>GroupResult.save()</c> stores under
/// <c>celery-taskset-meta-&lt;group_id&gt;</c>, the object <c>{"result": &lt;group tuple&gt;}</c>.
/// </summary>
internal sealed class GroupResultMeta
{
    /// <summary>The group's tuple; its <see cref="ResultTuple.Members"/> are the member results in order.</summary>
    public required ResultTuple Result { get; init; }

    /// <summary>The group id.</summary>
    public string GroupId => Result.Id;

    /// <summary>Member results in group order (empty when the tuple has none).</summary>
    public IReadOnlyList<ResultTuple> Members => Result.Members ?? [];

    /// <summary>Creates the meta for a group of single-task results.</summary>
    public static GroupResultMeta Of(string groupId, IEnumerable<string> taskIds) =>
        new() { Result = new ResultTuple(groupId, null, taskIds.Select(id => new ResultTuple(id)).ToList()) };

    /// <summary>The JSON object Python writes.</summary>
    public JsonObject ToJson() => new() { ["result"] = Result.ToJson() };

    /// <summary>Serialized meta as UTF-8 JSON.</summary>
    public byte[] ToUtf8Bytes() => CeleryJson.ToUtf8Bytes(ToJson());

    /// <summary>Reads the stored JSON. Throws <see cref="FormatException"/> when it is not a group meta.</summary>
    public static GroupResultMeta Parse(ReadOnlySpan<byte> utf8)
    {
        JsonNode? node;
        try { node = CeleryJson.Parse(utf8); }
        catch (JsonException ex) { throw new FormatException("group meta is not JSON: " + ex.Message, ex); }
        return FromJson(node as JsonObject ?? throw new FormatException("group meta is not an object"));
    }

    /// <summary>Reads a parsed group meta object.</summary>
    public static GroupResultMeta FromJson(JsonObject o)
    {
        var result = ResultTuple.FromJson(o["result"]);
        if (!result.IsGroup) throw new FormatException("group meta 'result' is not a group tuple");
        return new GroupResultMeta { Result = result };
    }
}
