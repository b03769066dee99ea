using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Celeriac.Serialization;

/// <summary>
/// kombu ≥ 5.3 wraps rich Python values as <c>{"__type__": tag, "__value__": value}</c> (docs/protocol.md §1.11).
/// <see cref="Normalize"/> rewrites them, anywhere in a tree, into the plain JSON .NET binds
/// natively: datetime/date/time → ISO text, decimal → number, uuid → GUID text, bytes/base64 →
/// base64 text (for <c>byte[]</c>). Unknown tags are an error, as in kombu's decoder.
/// </summary>
internal static class KombuTypedValues
{
    /// <summary>The tree with every typed-value envelope replaced; the input itself when it holds none.</summary>
    public static JsonNode? Normalize(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj when IsEnvelope(obj):
                return Unwrap(obj);
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    var child = obj[key];
                    var normalized = Normalize(child);
                    if (!ReferenceEquals(child, normalized)) obj[key] = normalized;
                }
                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var child = array[i];
                    var normalized = Normalize(child);
                    if (!ReferenceEquals(child, normalized)) array[i] = normalized;
                }
                return array;
            default:
                return node;
        }
    }

    /// <summary>True when the tree holds at least one envelope (a walk, no allocation).</summary>
    public static bool Contains(JsonNode? node) => node switch
    {
        JsonObject obj => IsEnvelope(obj) || obj.Any(p => Contains(p.Value)),
        JsonArray array => array.Any(Contains),
        _ => false,
    };

    private static bool IsEnvelope(JsonObject obj) => obj.Count == 2 && obj.ContainsKey("__type__") && obj.ContainsKey("__value__");

    private static JsonNode? Unwrap(JsonObject envelope)
    {
        var tag = envelope["__type__"]?.GetValue<string>();
        var value = envelope["__value__"];
        var text = value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        return tag switch
        {
            "datetime" or "date" or "time" => JsonValue.Create(text ?? throw Bad(tag)),
            "decimal" => JsonValue.Create(decimal.Parse(text ?? throw Bad(tag), NumberStyles.Float, CultureInfo.InvariantCulture)),
            "uuid" => JsonValue.Create(Guid.ParseExact((value as JsonObject)?["hex"]?.GetValue<string>() ?? text ?? throw Bad(tag), "N").ToString()),
            "bytes" => JsonValue.Create(Convert.ToBase64String(Encoding.UTF8.GetBytes(text ?? throw Bad(tag)))),
            "base64" => JsonValue.Create(text ?? throw Bad(tag)),
            _ => throw new JsonException($"unknown kombu typed value '__type__': '{tag}'"),
        };
    }

    private static JsonException Bad(string? tag) => new($"kombu typed value '{tag}' has no usable '__value__'");
}
