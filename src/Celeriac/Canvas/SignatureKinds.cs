using System.Text.Json.Nodes;

namespace Celeriac.Canvas;

/// <summary>
/// Chooses the signature type for a wire <c>subtask_type</c>. Composites (<c>group</c>,
/// <c>chain</c>, <c>chord</c>) get their own types; anything else stays a plain signature that
/// keeps its <c>subtask_type</c>, so a kind we do not model still round-trips unchanged.
/// </summary>
internal static class SignatureKinds
{
    public static Signature Create(string? subtaskType, string task, JsonArray args, JsonObject kwargs, JsonObject options, bool immutable) =>
        subtaskType switch
        {
            null => new Signature(task, args, kwargs, options, immutable),
            _ => new OpaqueSignature(task, args, kwargs, options, immutable, subtaskType),
        };

    /// <summary>A signature of a kind not modelled here, kept as it came.</summary>
    private sealed class OpaqueSignature(string task, JsonArray args, JsonObject kwargs, JsonObject options, bool immutable, string subtaskType)
        : Signature(task, args, kwargs, options, immutable, subtaskType);
}
