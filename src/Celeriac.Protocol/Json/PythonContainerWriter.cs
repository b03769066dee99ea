using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;

namespace Celeriac.Protocol.Json;

/// <summary>
/// How Python prints lists and dicts, both in <c>repr()</c> and in <c>json.dumps</c>: <c>[a, b]</c>
/// and <c>{k: v}</c> with <c>", "</c> and <c>": "</c>. The two differ only in how they print keys
/// and scalars (and <c>None</c>/<c>null</c>), which the caller supplies. A caller that will cut the
/// text passes <c>stopAt</c>: once the builder is longer, nothing more is appended (the scalar
/// writer is told too), so a repr cut to 1024 characters never prints a 50 MB argument first.
/// </summary>
internal readonly struct PythonContainerWriter(string nullText, Action<StringBuilder, string> appendKey, Action<StringBuilder, JsonValue, int> appendScalar)
{
    /// <summary>Appends <paramref name="node"/>, recursing into lists and dicts, until the builder is longer than <paramref name="stopAt"/>.</summary>
    // argsrepr is computed on every send: optimized from the first call, as the other per-message paths.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Append(StringBuilder sb, JsonNode? node, int stopAt = int.MaxValue)
    {
        if (sb.Length > stopAt) return;
        switch (node)
        {
            case null:
                sb.Append(nullText);
                return;
            case JsonArray array:
                sb.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (sb.Length > stopAt) return;
                    if (i > 0) sb.Append(", ");
                    Append(sb, array[i], stopAt);
                }
                sb.Append(']');
                return;
            case JsonObject obj:
                sb.Append('{');
                var first = true;
                foreach (var (key, value) in obj)
                {
                    if (sb.Length > stopAt) return;
                    if (!first) sb.Append(", ");
                    first = false;
                    appendKey(sb, key);
                    sb.Append(": ");
                    Append(sb, value, stopAt);
                }
                sb.Append('}');
                return;
            case JsonValue value:
                appendScalar(sb, value, stopAt);
                return;
        }
    }
}
