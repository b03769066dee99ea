using System.Text.Json;
using System.Text.Json.Nodes;

namespace Celeriac.Protocol.Results;

/// <summary>
/// A result reference as Celery nests it in <c>children</c> and group metas (docs/protocol.md §4.6):
/// <c>[[id, parent], null]</c> for one task, <c>[[group_id, parent], [member, ...]]</c> for a group.
/// </summary>
/// <param name="Id">Task id, or group id for a group.</param>
/// <param name="Parent">The parent's tuple, or null (Python writes <c>null</c>).</param>
/// <param name="Members">Member tuples for a group; null for a single task.</param>
public sealed record ResultTuple(string Id, ResultTuple? Parent = null, IReadOnlyList<ResultTuple>? Members = null)
{
    /// <summary>True for a group result (<see cref="Members"/> set, possibly empty).</summary>
    public bool IsGroup => Members is not null;

    /// <summary>The nested arrays Python's <c>as_tuple()</c> writes.</summary>
    public JsonArray ToJson() => new(
        new JsonArray(Id, Parent?.ToJson()),
        Members is null ? null : new JsonArray(Members.Select(m => (JsonNode?)m.ToJson()).ToArray()));

    /// <summary>
    /// Reads a tuple as Python's <c>result_from_tuple</c> does; a bare id string in place of
    /// <c>[id, parent]</c> is accepted. Throws <see cref="FormatException"/> on any other shape.
    /// </summary>
    public static ResultTuple FromJson(JsonNode? node)
    {
        if (node is not JsonArray { Count: 2 } pair) throw new FormatException("a result tuple is [[id, parent], members]");
        string id;
        ResultTuple? parent = null;
        switch (pair[0])
        {
            case JsonArray { Count: 2 } head:
                id = AsId(head[0]);
                if (head[1] is not null) parent = FromJson(head[1]);
                break;
            case var bare:
                id = AsId(bare);
                break;
        }
        IReadOnlyList<ResultTuple>? members = pair[1] switch
        {
            null => null,
            JsonArray nodes => nodes.Select(FromJson).ToList(),
            _ => throw new FormatException("result tuple members must be an array or null"),
        };
        return new ResultTuple(id, parent, members);
    }

    private static string AsId(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? v.GetValue<string>()
            : throw new FormatException("result tuple id must be a string");
}
