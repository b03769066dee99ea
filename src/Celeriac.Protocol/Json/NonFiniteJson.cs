using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Celeriac.Protocol.Json;

/// <summary>
/// Python's <c>json</c> reads and writes <c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c> as bare
/// tokens (<c>allow_nan=True</c>, its default, so kombu and Celery do too); they are not JSON and
/// <see cref="Utf8JsonReader"/> refuses them. Celeriac keeps such a value in a node tree as a
/// <see cref="JsonValue"/> holding the <see cref="double"/> itself (a node built with
/// <see cref="JsonValue.Create(double, JsonNodeOptions?)"/>), which binds, clones and compares like
/// any number, and writes it back as the same bare token.
/// </summary>
/// <remarks>
/// Nothing here runs for ordinary JSON: readers parse as usual and only after a
/// <see cref="JsonException"/> ask <see cref="TryRewrite"/>, which finds the tokens outside strings
/// and turns each into a marker string the reader accepts; <see cref="Restore"/> then puts the
/// doubles in place of the markers. Writers write as usual and only after the writer refused a
/// non-finite number write again with <see cref="WriteNode"/>.
/// </remarks>
internal static class NonFiniteJson
{
    // Control characters a JSON producer must escape, so no Python string written by json.dumps is
    // one of these unless it spells the escapes out on purpose.
    private const string NaNMarker = "\u0001\u0002celeriac:NaN";
    private const string InfinityMarker = "\u0001\u0002celeriac:Infinity";
    private const string NegativeInfinityMarker = "\u0001\u0002celeriac:-Infinity";

    private static readonly byte[] NaNMarkerJson = Encoding.UTF8.GetBytes("\"\\u0001\\u0002celeriac:NaN\"");
    private static readonly byte[] InfinityMarkerJson = Encoding.UTF8.GetBytes("\"\\u0001\\u0002celeriac:Infinity\"");
    private static readonly byte[] NegativeInfinityMarkerJson = Encoding.UTF8.GetBytes("\"\\u0001\\u0002celeriac:-Infinity\"");

    /// <summary>The bare token Python's <c>json.dumps</c> writes for a non-finite float.</summary>
    public static string Token(double value) =>
        double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";

    /// <summary>
    /// <paramref name="utf8"/> with every bare <c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c> outside
    /// strings replaced by a marker string; false when there is none (then the JSON is broken some
    /// other way, and the caller reports its first error).
    /// </summary>
    public static bool TryRewrite(ReadOnlySpan<byte> utf8, out byte[] rewritten)
    {
        rewritten = [];
        // In JSON outside strings the only letters are true/false/null and a number's e/E: an 'N'
        // or an 'I' there can only start one of Python's tokens.
        var output = new ArrayBufferWriter<byte>(utf8.Length + 64);
        var copied = 0;
        var found = false;
        var inString = false;
        for (var i = 0; i < utf8.Length; i++)
        {
            var b = utf8[i];
            if (inString)
            {
                if (b == (byte)'\\') i++;
                else if (b == (byte)'"') inString = false;
                continue;
            }
            if (b == (byte)'"')
            {
                inString = true;
                continue;
            }
            byte[]? marker = null;
            var length = 0;
            if (utf8[i..].StartsWith("NaN"u8)) (marker, length) = (NaNMarkerJson, 3);
            else if (utf8[i..].StartsWith("Infinity"u8)) (marker, length) = (InfinityMarkerJson, 8);
            else if (utf8[i..].StartsWith("-Infinity"u8)) (marker, length) = (NegativeInfinityMarkerJson, 9);
            if (marker is null) continue;
            output.Write(utf8[copied..i]);
            output.Write(marker);
            copied = i + length;
            i = copied - 1;
            found = true;
        }
        if (!found) return false;
        output.Write(utf8[copied..]);
        rewritten = output.WrittenSpan.ToArray();
        return true;
    }

    /// <summary>Replaces the marker strings of <see cref="TryRewrite"/> in <paramref name="node"/> by doubles; returns the (maybe replaced) root.</summary>
    public static JsonNode? Restore(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                List<(string Key, JsonNode Value)>? replaced = null;
                foreach (var (key, child) in obj)
                {
                    var restored = Restore(child);
                    if (!ReferenceEquals(restored, child)) (replaced ??= []).Add((key, restored!));
                }
                foreach (var (key, value) in replaced ?? []) obj[key] = value;
                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var child = array[i];
                    var restored = Restore(child);
                    if (!ReferenceEquals(restored, child)) array[i] = restored;
                }
                return array;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                return FromMarker(value.GetValue<string>()) is { } d ? JsonValue.Create(d) : value;
            default:
                return node;
        }
    }

    /// <summary>The double a marker string of <see cref="TryRewrite"/> or <see cref="WithMarkers"/> stands for, or null.</summary>
    public static double? FromMarker(string? text) => text switch
    {
        NaNMarker => double.NaN,
        InfinityMarker => double.PositiveInfinity,
        NegativeInfinityMarker => double.NegativeInfinity,
        _ => null,
    };

    private static string Marker(double value) =>
        double.IsNaN(value) ? NaNMarker : value > 0 ? InfinityMarker : NegativeInfinityMarker;

    /// <summary>Whether the tree holds a non-finite number anywhere.</summary>
    public static bool Contains(JsonNode? node) => node switch
    {
        JsonObject obj => obj.Any(p => Contains(p.Value)),
        JsonArray array => array.Any(Contains),
        JsonValue value => Of(value) is not null,
        _ => false,
    };

    /// <summary>
    /// A copy of <paramref name="node"/> with each non-finite number as its marker string, for the
    /// serializer: it writes a node tree out and reads it back to bind it, and cannot read a bare
    /// <c>NaN</c> back (Celeriac's float and <c>object</c> converters read the markers).
    /// </summary>
    public static JsonNode? WithMarkers(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, WithMarkers(p.Value))), obj.Options),
        JsonArray array => new JsonArray(array.Select(WithMarkers).ToArray()),
        JsonValue value when Of(value) is { } d => JsonValue.Create(Marker(d)),
        _ => node?.DeepClone(),
    };

    /// <summary>The non-finite double a value holds, or null (finite, or not a number).</summary>
    public static double? Of(JsonValue value)
    {
        // A node parsed from text holds a JsonElement, never a non-finite number: cheap to rule out.
        if (value.TryGetValue<JsonElement>(out _)) return null;
        if (value.TryGetValue<double>(out var d)) return double.IsFinite(d) ? null : d;
        if (value.TryGetValue<float>(out var f)) return float.IsFinite(f) ? null : f;
        return null;
    }

    /// <summary>Writes <paramref name="node"/> as <see cref="JsonNode.WriteTo"/> would, with non-finite numbers as Python's bare tokens.</summary>
    public static void WriteNode(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, child) in obj)
                {
                    writer.WritePropertyName(key);
                    WriteNode(writer, child);
                }
                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var child in array) WriteNode(writer, child);
                writer.WriteEndArray();
                break;
            case JsonValue value when Of(value) is { } d:
                writer.WriteRawValue(Token(d), skipInputValidation: true);
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
