using System.Text.Json;
using System.Text.Json.Nodes;

namespace Celeriac.TestSupport;

/// <summary>
/// Compares a reply with a captured one by structure, as a monitoring tool reads it: the same keys
/// in every object, the same JSON kind for every value, list items like the vector's. A null on
/// either side matches anything (Celery's values may be None), and objects whose keys are data
/// (task names, settings) are compared by their values' kinds only.
/// </summary>
internal static class ReplyShape
{
    public static void AssertSame(JsonNode? expected, JsonNode? actual, string path = "$", IReadOnlySet<string>? dataKeyed = null)
    {
        if (expected is null || actual is null) return;
        switch (expected)
        {
            case JsonObject e:
                actual.Should().BeOfType<JsonObject>($"{path} is an object in Celery's reply");
                var a = (JsonObject)actual;
                if (dataKeyed?.Contains(path) == true)
                {
                    foreach (var (key, value) in a) SameKind(e.FirstOrDefault().Value, value, $"{path}.{key}");
                    return;
                }
                a.Select(kv => kv.Key).Should().BeEquivalentTo(e.Select(kv => kv.Key), $"{path} has Celery's keys");
                foreach (var (key, value) in e) AssertSame(value, a[key], $"{path}.{key}", dataKeyed);
                return;
            case JsonArray ea:
                actual.Should().BeOfType<JsonArray>($"{path} is a list in Celery's reply");
                var aa = (JsonArray)actual;
                if (ea.Count > 0 && aa.Count > 0) AssertSame(ea[0], aa[0], $"{path}[0]", dataKeyed);
                return;
            default:
                SameKind(expected, actual, path);
                return;
        }
    }

    private static void SameKind(JsonNode? expected, JsonNode? actual, string path)
    {
        if (expected is null || actual is null) return;
        Kind(actual).Should().Be(Kind(expected), $"{path} has the kind of Celery's value ({expected.ToJsonString()} there, {actual.ToJsonString()} here)");
    }

    private static string Kind(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.True or JsonValueKind.False => "bool",
        var k => k.ToString(),
    };
}
