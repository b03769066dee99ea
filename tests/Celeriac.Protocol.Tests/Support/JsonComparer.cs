using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Celeriac.Protocol.Tests.Support;

/// <summary>
/// Compares two JSON trees the way a Python peer would see them: same keys, same kinds (int and
/// float differ), equal values. Reports the JSON path of the first difference so a failing golden
/// test says exactly what drifted. Ignored entries are either a key name (anywhere in the tree)
/// or a full path such as <c>$.properties.delivery_tag</c>.
/// </summary>
public sealed class JsonComparer
{
    private readonly HashSet<string> _ignoredKeys;
    private readonly HashSet<string> _ignoredPaths;
    private readonly bool _checkKeyOrder;

    public JsonComparer(IEnumerable<string>? ignore = null, bool checkKeyOrder = false)
    {
        var all = ignore?.ToList() ?? [];
        _ignoredPaths = all.Where(i => i.StartsWith('$')).ToHashSet(StringComparer.Ordinal);
        _ignoredKeys = all.Where(i => !i.StartsWith('$')).ToHashSet(StringComparer.Ordinal);
        _checkKeyOrder = checkKeyOrder;
    }

    /// <summary>Everything compared, key order free.</summary>
    public static JsonComparer Strict { get; } = new();

    /// <summary>Everything compared, and object keys must come in the same order (Python's writing order).</summary>
    public static JsonComparer Ordered { get; } = new(checkKeyOrder: true);

    /// <summary>A comparer that also skips the given keys or paths.</summary>
    public JsonComparer Ignoring(params string[] keysOrPaths) =>
        new(_ignoredKeys.Concat(_ignoredPaths).Concat(keysOrPaths), _checkKeyOrder);

    /// <summary>The kind a Python reader would give this node. Numbers are classified by their JSON text.</summary>
    public static JsonKind KindOf(JsonNode? node) => node switch
    {
        null => JsonKind.Null,
        JsonObject => JsonKind.Object,
        JsonArray => JsonKind.Array,
        _ => node.GetValueKind() switch
        {
            JsonValueKind.Null => JsonKind.Null,
            JsonValueKind.True or JsonValueKind.False => JsonKind.Boolean,
            JsonValueKind.String => JsonKind.String,
            // What matters is the text that goes on the wire: a double 2.0 that serializes as "2"
            // would reach Python as an int, and that is exactly the drift we want to catch.
            JsonValueKind.Number => node.ToJsonString().IndexOfAny(['.', 'e', 'E']) >= 0 ? JsonKind.Float : JsonKind.Integer,
            var other => throw new InvalidOperationException($"unexpected JSON value kind {other}"),
        },
    };

    /// <summary>Null when equal, else "path: what differs".</summary>
    public string? FirstDifference(JsonNode? expected, JsonNode? actual) => Compare(expected, actual, "$");

    /// <summary>Fails the test with the first difference, if any.</summary>
    public void AssertEqual(JsonNode? expected, JsonNode? actual, string? context = null)
    {
        var diff = FirstDifference(expected, actual);
        if (diff is null) return;
        var prefix = context is null ? "" : context + ": ";
        Assert.Fail($"{prefix}{diff}\n  expected: {Snippet(expected)}\n  actual:   {Snippet(actual)}");
    }

    private string? Compare(JsonNode? expected, JsonNode? actual, string path)
    {
        var (ek, ak) = (KindOf(expected), KindOf(actual));
        if (ek != ak) return $"{path}: expected {ek} {Snippet(expected)} but got {ak} {Snippet(actual)}";
        return ek switch
        {
            JsonKind.Object => CompareObjects((JsonObject)expected!, (JsonObject)actual!, path),
            JsonKind.Array => CompareArrays((JsonArray)expected!, (JsonArray)actual!, path),
            JsonKind.Null => null,
            JsonKind.Boolean => expected!.GetValue<bool>() == actual!.GetValue<bool>() ? null : ValueDiff(path, expected, actual),
            JsonKind.String => string.Equals(expected!.GetValue<string>(), actual!.GetValue<string>(), StringComparison.Ordinal) ? null : ValueDiff(path, expected, actual),
            JsonKind.Integer => ParseInteger(expected!) == ParseInteger(actual!) ? null : ValueDiff(path, expected, actual),
            JsonKind.Float => ParseFloat(expected!).Equals(ParseFloat(actual!)) ? null : ValueDiff(path, expected, actual),
            _ => throw new InvalidOperationException(),
        };
    }

    private string? CompareObjects(JsonObject expected, JsonObject actual, string path)
    {
        var expectedKeys = expected.Select(p => p.Key).Where(k => !IsIgnored(k, Child(path, k))).ToList();
        var actualKeys = actual.Select(p => p.Key).Where(k => !IsIgnored(k, Child(path, k))).ToList();
        var missing = expectedKeys.Except(actualKeys).ToList();
        if (missing.Count > 0) return $"{path}: missing key(s) {string.Join(", ", missing.Select(k => $"'{k}'"))}";
        var extra = actualKeys.Except(expectedKeys).ToList();
        if (extra.Count > 0) return $"{path}: unexpected key(s) {string.Join(", ", extra.Select(k => $"'{k}'"))}";
        if (_checkKeyOrder && !expectedKeys.SequenceEqual(actualKeys))
            return $"{path}: key order differs\n    expected [{string.Join(", ", expectedKeys)}]\n    actual   [{string.Join(", ", actualKeys)}]";
        foreach (var key in expectedKeys)
        {
            var diff = Compare(expected[key], actual[key], Child(path, key));
            if (diff is not null) return diff;
        }
        return null;
    }

    private string? CompareArrays(JsonArray expected, JsonArray actual, string path)
    {
        if (expected.Count != actual.Count) return $"{path}: expected {expected.Count} element(s) but got {actual.Count}";
        for (var i = 0; i < expected.Count; i++)
        {
            var childPath = $"{path}[{i}]";
            if (_ignoredPaths.Contains(childPath)) continue;
            var diff = Compare(expected[i], actual[i], childPath);
            if (diff is not null) return diff;
        }
        return null;
    }

    private bool IsIgnored(string key, string path) => _ignoredKeys.Contains(key) || _ignoredPaths.Contains(path);

    private static string Child(string path, string key) => $"{path}.{key}";

    private static string ValueDiff(string path, JsonNode? expected, JsonNode? actual) =>
        $"{path}: expected {Snippet(expected)} but got {Snippet(actual)}";

    private static BigInteger ParseInteger(JsonNode node) =>
        BigInteger.Parse(node.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    private static double ParseFloat(JsonNode node) =>
        double.Parse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    private static string Snippet(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "null";
        return text.Length <= 200 ? text : text[..200] + "…";
    }
}
