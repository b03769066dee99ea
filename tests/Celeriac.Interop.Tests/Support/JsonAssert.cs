using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Celeriac.Interop.Tests.Support;

/// <summary>
/// JSON equality as Python sees values: an integer and a float are different even when equal in
/// value (4 vs 4.0), integers compare exactly at any size, floats by value and sign (-0.0).
/// </summary>
internal static class JsonAssert
{
    /// <summary>Null when equal; else the path and the difference.</summary>
    public static string? Difference(JsonNode? expected, JsonNode? actual, string path = "$")
    {
        if (expected is null || actual is null)
            return expected is null && actual is null ? null : $"{path}: expected {Text(expected)}, got {Text(actual)}";
        var (ek, ak) = (expected.GetValueKind(), actual.GetValueKind());
        if (ek != ak && !(IsBool(ek) && IsBool(ak))) return $"{path}: expected {Text(expected)} ({ek}), got {Text(actual)} ({ak})";
        switch (ek)
        {
            case JsonValueKind.Object:
            {
                var e = expected.AsObject();
                var a = actual.AsObject();
                var keys = e.Select(p => p.Key).ToHashSet();
                if (!keys.SetEquals(a.Select(p => p.Key))) return $"{path}: expected keys [{string.Join(", ", keys)}], got [{string.Join(", ", a.Select(p => p.Key))}]";
                foreach (var key in keys) if (Difference(e[key], a[key], $"{path}.{key}") is { } d) return d;
                return null;
            }
            case JsonValueKind.Array:
            {
                var e = expected.AsArray();
                var a = actual.AsArray();
                if (e.Count != a.Count) return $"{path}: expected {e.Count} items, got {a.Count}";
                for (var i = 0; i < e.Count; i++) if (Difference(e[i], a[i], $"{path}[{i}]") is { } d) return d;
                return null;
            }
            case JsonValueKind.Number:
            {
                var (et, at) = (expected.ToJsonString(), actual.ToJsonString());
                if (IsInteger(et) != IsInteger(at)) return $"{path}: expected {et}, got {at} (an integer and a float are different values to Python)";
                if (IsInteger(et)) return BigInteger.Parse(et, CultureInfo.InvariantCulture) == BigInteger.Parse(at, CultureInfo.InvariantCulture) ? null : $"{path}: expected {et}, got {at}";
                var (ed, ad) = (double.Parse(et, CultureInfo.InvariantCulture), double.Parse(at, CultureInfo.InvariantCulture));
                return ed.Equals(ad) && double.IsNegative(ed) == double.IsNegative(ad) ? null : $"{path}: expected {et}, got {at}";
            }
            default:
                return JsonNode.DeepEquals(expected, actual) ? null : $"{path}: expected {Text(expected)}, got {Text(actual)}";
        }
    }

    private static bool IsBool(JsonValueKind kind) => kind is JsonValueKind.True or JsonValueKind.False;

    private static bool IsInteger(string number) => number.IndexOfAny(['.', 'e', 'E']) < 0;

    private static string Text(JsonNode? node) => node?.ToJsonString() ?? "null";
}
