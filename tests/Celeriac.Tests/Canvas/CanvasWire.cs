using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Celeriac.Backends;
using Celeriac.Protocol.Results;

namespace Celeriac.Tests.Canvas;

/// <summary>
/// Compares what we published with what Python published (a captured vector), field by field,
/// after replacing the values that belong to one run: every UUID becomes <c>&lt;id N&gt;</c> in
/// order of first appearance (so equal ids must stay equal), the origin and a non-null eta become
/// placeholders.
/// </summary>
internal static partial class CanvasWire
{
    /// <summary>Our published messages as envelopes with decoded bodies, in publish order.</summary>
    public static JsonArray Ours(RetryTestBed bed) =>
        new(bed.Published.Select(p => (JsonNode?)RetryTestBed.Envelope(p.Message, p.Route)).ToArray());

    /// <summary>A vector's messages in the same form.</summary>
    public static JsonArray Theirs(string vector) =>
        new(RetryTestBed.Vector(vector)["messages"]!.AsArray()
            .Select(m =>
            {
                var doc = m!["envelope"]!.DeepClone().AsObject();
                doc["body"] = m["body_decoded"]!.DeepClone();
                doc["properties"]!.AsObject().Remove("delivery_tag");
                return (JsonNode?)doc;
            }).ToArray());

    public static JsonNode Normalize(JsonNode doc, params string[] ignoredHeaders)
    {
        var copy = doc.DeepClone();
        foreach (var message in copy.AsArray())
        {
            var headers = message!["headers"]!.AsObject();
            headers["origin"] = "<origin>";
            if (headers["eta"] is not null) headers["eta"] = "<eta>";
            foreach (var h in ignoredHeaders) headers[h] = "<ignored>";
            message["properties"]!.AsObject().Remove("origin");
        }
        var ids = new Dictionary<string, string>();
        return Walk(copy, ids)!;
    }

    /// <summary>Asserts the two message lists are equal after normalising; shows both on failure.</summary>
    public static void ShouldMatch(JsonArray ours, JsonArray theirs, params string[] ignoredHeaders)
    {
        var a = Normalize(ours, ignoredHeaders);
        var b = Normalize(theirs, ignoredHeaders);
        JsonNode.DeepEquals(a, b).Should().BeTrue($"they differ at {string.Join(", ", Differences(a, b, "$"))}\nours: {a.ToJsonString()}");
    }

    private static IEnumerable<string> Differences(JsonNode? a, JsonNode? b, string path)
    {
        if (a is JsonObject oa && b is JsonObject ob)
            return oa.Select(p => p.Key).Union(ob.Select(p => p.Key)).SelectMany(k => Differences(oa[k], ob[k], $"{path}.{k}"));
        if (a is JsonArray aa && b is JsonArray ab && aa.Count == ab.Count)
            return aa.Select((n, i) => (n, i)).SelectMany(x => Differences(x.n, ab[x.i], $"{path}[{x.i}]"));
        return JsonNode.DeepEquals(a, b) ? [] : [$"{path} (ours {a?.ToJsonString() ?? "null"}, Python's {b?.ToJsonString() ?? "null"})"];
    }

    private static JsonNode? Walk(JsonNode? node, Dictionary<string, string> ids) => node switch
    {
        // Sorted keys: the id numbering must not depend on the order a writer put keys in.
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Walk(p.Value, ids)))),
        JsonArray a => new JsonArray(a.Select(n => Walk(n, ids)).ToArray()),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Uuid().Replace(v.GetValue<string>(), m =>
            ids.TryGetValue(m.Value, out var known) ? known : ids[m.Value] = $"<id {ids.Count}>"),
        _ => node?.DeepClone(),
    };

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Uuid();
}
