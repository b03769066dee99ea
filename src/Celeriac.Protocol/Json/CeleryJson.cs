using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Celeriac.Protocol.Json;

/// <summary>
/// JSON conventions shared by everything that goes on the wire: how we write (compact UTF-8,
/// non-ASCII left readable; kombu readers accept any valid JSON) and how we read (comments and
/// trailing commas refused, as Python's <c>json</c> module would).
/// </summary>
internal static class CeleryJson
{
    /// <summary>Writer options used for message bodies, envelopes, result meta, events and replies.</summary>
    public static JsonWriterOptions WriterOptions { get; } = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
        SkipValidation = false,
    };

    /// <summary>Node options: property names are case-sensitive, as in Python dictionaries.</summary>
    public static JsonNodeOptions NodeOptions { get; } = new() { PropertyNameCaseInsensitive = false };

    /// <summary>Document options for reading wire JSON: strict, like Python's <c>json.loads</c>.</summary>
    public static JsonDocumentOptions DocumentOptions { get; } = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 256,
    };

    /// <summary>Serializes a node to UTF-8 bytes with the wire writer options.</summary>
    public static byte[] ToUtf8Bytes(JsonNode? node) => ToUtf8Bytes(node, static (writer, n) => WriteNode(writer, n));

    // Set while a value is written again because the writer refused a non-finite number; per thread,
    // as the write callbacks run synchronously on the caller's thread.
    [ThreadStatic] private static bool _writingNonFinite;

    /// <summary>
    /// Writes a node (null as JSON null) inside a <see cref="ToUtf8Bytes{TState}"/> callback; a
    /// non-finite number is written as Python's bare <c>NaN</c>/<c>Infinity</c>/<c>-Infinity</c>.
    /// </summary>
    internal static void WriteNode(Utf8JsonWriter writer, JsonNode? node)
    {
        if (_writingNonFinite) NonFiniteJson.WriteNode(writer, node);
        else if (node is null) writer.WriteNullValue();
        else node.WriteTo(writer);
    }

    // Per-message hot path (a client's sends and waits too): compiled optimized at once. Tiered
    // compilation would run it unoptimized, then instrumented, through a process's first seconds.
    /// <summary>Writes one JSON value with the wire writer options and returns its UTF-8 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static byte[] ToUtf8Bytes<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        try
        {
            using (var writer = new Utf8JsonWriter(buffer, WriterOptions)) write(writer, state);
        }
        catch (ArgumentException) when (!_writingNonFinite)
        {
            // The writer refuses NaN and infinities (the only ArgumentException a valid tree gets):
            // write it all again, this time looking at every value. Ordinary values never pay for it.
            return WriteAllowingNonFinite(state, write);
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] WriteAllowingNonFinite<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        _writingNonFinite = true;
        try
        {
            using (var writer = new Utf8JsonWriter(buffer, WriterOptions)) write(writer, state);
        }
        finally
        {
            _writingNonFinite = false;
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Serializes a node to a JSON string with the wire writer options.</summary>
    public static string ToJsonString(JsonNode? node) =>
        System.Text.Encoding.UTF8.GetString(ToUtf8Bytes(node));

    /// <summary>
    /// Parses UTF-8 JSON into a mutable node. Throws <see cref="JsonException"/> on invalid JSON.
    /// Python's bare <c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c> are read as doubles.
    /// </summary>
    public static JsonNode? Parse(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return JsonNode.Parse(utf8, NodeOptions, DocumentOptions);
        }
        catch (JsonException) when (NonFiniteJson.TryRewrite(utf8, out var rewritten))
        {
            return NonFiniteJson.Restore(JsonNode.Parse(rewritten, NodeOptions, DocumentOptions));
        }
    }

    /// <summary>Parses JSON text into a mutable node, as <see cref="Parse(ReadOnlySpan{byte})"/>.</summary>
    public static JsonNode? Parse(string json)
    {
        try
        {
            return JsonNode.Parse(json, NodeOptions, DocumentOptions);
        }
        catch (JsonException)
        {
            // The UTF-8 path knows Python's bare tokens; the text is malformed JSON either way.
            return Parse(System.Text.Encoding.UTF8.GetBytes(json));
        }
    }

    /// <summary>Reads an optional string member; a JSON null or absence gives null, another type throws.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static string? GetString(JsonObject obj, string name)
    {
        if (!obj.TryGetPropertyValue(name, out var node) || node is null) return null;
        if (node is JsonValue v && v.TryGetValue<string>(out var s)) return s;
        throw new FormatException($"'{name}' must be a string, not {node.GetValueKind()}");
    }

    /// <summary>Reads an optional integer member, accepting integral floats (Python may write 2.0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long? GetInt64(JsonObject obj, string name)
    {
        if (!obj.TryGetPropertyValue(name, out var node) || node is null) return null;
        return AsInt64(node) ?? throw new FormatException($"'{name}' must be an integer, not {node.ToJsonString()}");
    }

    /// <summary>Reads an optional number member as a double.</summary>
    public static double? GetDouble(JsonObject obj, string name)
    {
        if (!obj.TryGetPropertyValue(name, out var node) || node is null) return null;
        return AsDouble(node) ?? throw new FormatException($"'{name}' must be a number, not {node.ToJsonString()}");
    }

    /// <summary>Reads an optional boolean member; absence or null gives <paramref name="fallback"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool GetBool(JsonObject obj, string name, bool fallback = false)
    {
        if (!obj.TryGetPropertyValue(name, out var node) || node is null) return fallback;
        return node.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            // Python truthiness: kombu/celery sometimes carry 0/1 for flags.
            JsonValueKind.Number => AsDouble(node) != 0,
            _ => throw new FormatException($"'{name}' must be a boolean, not {node.ToJsonString()}"),
        };
    }

    /// <summary>The integer value of a JSON number node, or null when it is not an integral number.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long? AsInt64(JsonNode? node)
    {
        if (NumberText(node) is not { } text) return null;
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return l;
        var d = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        return Math.Floor(d) == d && Math.Abs(d) < 9.2e18 ? (long)d : null;
    }

    /// <summary>The value of a JSON number node as a double, or null when it is not a number.</summary>
    public static double? AsDouble(JsonNode? node) =>
        NumberText(node) is { } text ? double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture) : null;

    // Numbers are read from their JSON text: a node parsed from the wire wraps a JsonElement, but one
    // built in process wraps an int, short, decimal…, and JsonValue.GetValue<T> converts neither
    // between those types nor to long from int.
    private static string? NumberText(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? NumberToken(v) : null;

    /// <summary>
    /// A number value's JSON text; a NaN or an infinity gives Python's token (<c>NaN</c>,
    /// <c>Infinity</c>, <c>-Infinity</c>), which <see cref="JsonNode.ToJsonString"/> refuses to write.
    /// </summary>
    internal static string NumberToken(JsonValue value)
    {
        try
        {
            return value.ToJsonString();
        }
        catch (ArgumentException) when (NonFiniteJson.Of(value) is { } d)
        {
            return NonFiniteJson.Token(d);
        }
    }

    /// <summary>
    /// A JSON number written as Python's <c>json.dumps</c> writes a <c>float</c>: always with a
    /// fraction or exponent (<c>2.0</c>, <c>1e+16</c>). <see cref="JsonValue.Create(double, JsonNodeOptions?)"/>
    /// would write <c>2</c>, which a Python peer reads back as an <c>int</c>. NaN and the infinities
    /// are written as Python writes them (<c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c>).
    /// </summary>
    public static JsonNode PythonFloat(double value)
    {
        if (!double.IsFinite(value)) return JsonValue.Create(value, NodeOptions);
        using var doc = JsonDocument.Parse(PythonRepr.FormatFloat(value));
        return JsonValue.Create(doc.RootElement.Clone(), NodeOptions)!;
    }

    /// <summary>Deep-clones a node (null stays null).</summary>
    public static JsonNode? Clone(JsonNode? node) => node?.DeepClone();
}
