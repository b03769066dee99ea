using System.Text.Json.Nodes;
using Celeriac.Protocol.Messages;

namespace Celeriac.Canvas;

/// <summary>
/// Chooses the signature type for a wire <c>subtask_type</c>: <c>group</c>, <c>chain</c> and
/// <c>chord</c> get their composite types (docs/protocol.md §1.5); anything else stays a plain signature that
/// keeps its <c>subtask_type</c>, so a kind we do not model still round-trips unchanged.
/// <c>celery.map</c>, <c>celery.starmap</c> and <c>celery.chunks</c> have no subtask type on the
/// wire; they are recognised by name (and shape) so a copy still sends like the original.
/// </summary>
internal static class SignatureKinds
{
    public static Signature Create(string? subtaskType, string task, JsonArray args, JsonObject kwargs, JsonObject options, bool immutable) =>
        subtaskType switch
        {
            null => Plain(task, args, kwargs, options, immutable),
            "group" => new Group(Composite.Tasks(kwargs["tasks"], "group"), args, Composite.Without(kwargs, "tasks"), options, immutable),
            "chain" => new Chain(Composite.Tasks(kwargs["tasks"], "chain"), args, Composite.Without(kwargs, "tasks"), options, immutable),
            "chord" => new Chord(Header(kwargs["header"]), Body(kwargs["body"]), options, args, kwargs["kwargs"]?.DeepClone() as JsonObject ?? [], immutable),
            _ => new OpaqueSignature(task, args, kwargs, options, immutable, subtaskType),
        };

    private static Signature Plain(string task, JsonArray args, JsonObject kwargs, JsonObject options, bool immutable)
    {
        if (kwargs["task"] is JsonObject inner && kwargs["it"] is JsonArray items)
        {
            switch (task)
            {
                case "celery.map": return new Map(Signature.FromJson(inner), items, options);
                case "celery.starmap": return new Starmap(Signature.FromJson(inner), items, options);
                case "celery.chunks" when kwargs["n"] is JsonValue n && n.TryGetValue<int>(out var size) && size > 0:
                    return new Chunks(Signature.FromJson(inner), items, size, options);
            }
        }
        return new Signature(task, args, kwargs, options, immutable);
    }

    /// <summary>A chord header as Celery accepts it: a group, another signature (a chain's steps, or one task), or a list of signatures.</summary>
    internal static Group Header(JsonNode? header) => header switch
    {
        JsonArray list => new Group(list.Select(Signature.FromJson)),
        JsonObject => Signature.FromJson(header) switch
        {
            Group group => group,
            Chain chain => new Group(chain.Tasks),
            var single => new Group(single),
        },
        _ => throw new InvalidMessageException("a chord signature has no header"),
    };

    private static Signature Body(JsonNode? body) =>
        body is null ? throw new InvalidMessageException("a chord signature has no body") : Signature.FromJson(body);

    /// <summary>A signature of a kind not modelled here, kept as it came.</summary>
    private sealed class OpaqueSignature(string task, JsonArray args, JsonObject kwargs, JsonObject options, bool immutable, string subtaskType)
        : Signature(task, args, kwargs, options, immutable, subtaskType);
}
