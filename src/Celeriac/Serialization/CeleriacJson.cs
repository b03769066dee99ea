using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Celeriac.Serialization;

/// <summary>
/// How CLR values become task arguments and results, and back. The defaults suit Python peers:
/// snake_case member names, floats that stay floats (<c>2.0</c>, never <c>2</c>), datetimes as
/// Python's isoformat (reading kombu's <c>{"__type__": ...}</c> forms too), and <c>object</c>
/// parameters bound to plain values (long, double, string, bool, lists, dictionaries).
/// </summary>
internal static class CeleriacJson
{
    /// <summary>New options with Celeriac's defaults; change them through <see cref="CeleriacOptions.Json"/>.</summary>
    public static JsonSerializerOptions CreateDefaultOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = null,
            PropertyNameCaseInsensitive = true,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new PythonFloatConverter());
        options.Converters.Add(new PythonSingleConverter());
        options.Converters.Add(new PythonIntegerConverter());
        options.Converters.Add(new PythonDateTimeConverter());
        options.Converters.Add(new PythonDateTimeOffsetConverter());
        options.Converters.Add(new PlainObjectConverter());
        options.Converters.Add(new JsonStringEnumConverter());
        return options;
    }

    /// <summary>A CLR value as a JSON node (null stays null; nodes pass through).</summary>
    public static JsonNode? ToNode(object? value, JsonSerializerOptions options) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        JsonElement element => JsonNode.Parse(element.GetRawText()),
        _ => JsonSerializer.SerializeToNode(value, value.GetType(), options),
    };

    /// <summary>A JSON node as a value of <paramref name="type"/>.</summary>
    public static object? FromNode(JsonNode? node, Type type, JsonSerializerOptions options)
    {
        if (type == typeof(JsonNode) || type == typeof(JsonObject) || type == typeof(JsonArray) || type == typeof(JsonValue))
            return node?.DeepClone();
        if (node is null) return null;
        // Values written by kombu 5.3+ may arrive wrapped; only copy the tree when it holds some.
        if (KombuTypedValues.Contains(node)) node = KombuTypedValues.Normalize(node.DeepClone());
        return node?.Deserialize(type, options);
    }

    /// <summary>Positional arguments as a JSON array.</summary>
    public static JsonArray ToArgs(IEnumerable<object?>? args, JsonSerializerOptions options) =>
        new((args ?? []).Select(a => ToNode(a, options)).ToArray());

    /// <summary>Keyword arguments as a JSON object.</summary>
    public static JsonObject ToKwargs(IEnumerable<KeyValuePair<string, object?>>? kwargs, JsonSerializerOptions options)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in kwargs ?? []) obj[key] = ToNode(value, options);
        return obj;
    }
}
