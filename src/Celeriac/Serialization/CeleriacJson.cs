using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Celeriac.Protocol.Json;

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
            // No AllowNamedFloatingPointLiterals: doubles and floats go through the Python
            // converters (bare NaN, as Python), and a NaN node must not turn into the string "NaN".
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
        // A string node holding the string itself: the serializer would write it out as UTF-8 and
        // parse that back (a copy of a big argument), and every read of it would decode another.
        string text when !HasStringConverter(options) => JsonValue.Create(text),
        _ => SerializeToNode(value, options),
    };

    private static bool HasStringConverter(JsonSerializerOptions options)
    {
        foreach (var converter in options.Converters)
            if (converter.CanConvert(typeof(string))) return true;
        return false;
    }

    private static JsonNode? SerializeToNode(object value, JsonSerializerOptions options)
    {
        try
        {
            return JsonSerializer.SerializeToNode(value, value.GetType(), options);
        }
        catch (JsonException)
        {
            // The float converters write NaN and infinities as Python's bare tokens, which
            // SerializeToNode cannot read back; CeleryJson.Parse can. Never taken for finite values.
            return CeleryJson.Parse(JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), options));
        }
    }

    /// <summary>A JSON node as a value of <paramref name="type"/>.</summary>
    public static object? FromNode(JsonNode? node, Type type, JsonSerializerOptions options)
    {
        if (type == typeof(JsonNode) || type == typeof(JsonObject) || type == typeof(JsonArray) || type == typeof(JsonValue))
            return node?.DeepClone();
        if (node is null) return null;
        // Values written by kombu 5.3+ may arrive wrapped; only copy the tree when it holds some.
        if (KombuTypedValues.Contains(node)) node = KombuTypedValues.Normalize(node.DeepClone());
        // A scalar read off the wire is bound from its own bytes: JsonNode.Deserialize would first
        // write it into a buffer rented from the shared pool, which keeps a 32 MB array for good
        // after one 20 MB string argument. A string made in process is already the value.
        if (node is JsonValue value)
        {
            if (value.TryGetValue<JsonElement>(out var element)) return element.Deserialize(type, options);
            if (type == typeof(string) && value.TryGetValue<string>(out var text) && !HasStringConverter(options)) return text;
        }
        try
        {
            return node?.Deserialize(type, options);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException && NonFiniteJson.Contains(node))
        {
            // A NaN or an infinity from a Python peer: the serializer writes the tree out to read
            // it, and cannot read the bare token back. Bind from marker strings the float and
            // object converters know instead. Only a tree that holds one pays for this.
            if (type == typeof(string)) throw new JsonException("a float (NaN or infinity) is not a string", ex);
            return NonFiniteJson.WithMarkers(node)?.Deserialize(type, options);
        }
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
