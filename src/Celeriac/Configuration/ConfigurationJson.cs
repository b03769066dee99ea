using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;

namespace Celeriac.Configuration;

/// <summary>
/// A configuration section back as the JSON it most likely came from, for settings that keep
/// Celery's free-form shape (<c>beat_schedule</c>): children keyed <c>0</c>, <c>1</c>, … form an
/// array, other children an object, and leaf text is typed back by <see cref="ConfigurationText"/>.
/// What configuration cannot tell apart stays lost: a string that looks like a number becomes one,
/// an object's keys come back sorted (configuration sorts them), and an empty value (JSON <c>null</c>, <c>[]</c>, <c>{}</c> or <c>""</c>) is null — JSON files
/// that need those exactly go through the schedule file instead (docs/interop.md, "Beat").
/// </summary>
internal static class ConfigurationJson
{
    /// <summary>The section as a JSON node; null when it holds nothing.</summary>
    public static JsonNode? ToNode(IConfigurationSection section)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0) return Leaf(section.Value);
        if (IsList(children))
        {
            var array = new JsonArray();
            foreach (var child in children.OrderBy(c => int.Parse(c.Key, CultureInfo.InvariantCulture))) array.Add(ToNode(child));
            return array;
        }
        var obj = new JsonObject();
        foreach (var child in children) obj[child.Key] = ToNode(child);
        return obj;
    }

    private static JsonNode? Leaf(string? text) => string.IsNullOrEmpty(text) ? null : ConfigurationText.Typed(text) switch
    {
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        bool b => JsonValue.Create(b),
        double d => JsonValue.Create(d),
        var other => JsonValue.Create((string)other),
    };

    // JSON arrays arrive as keys 0..n-1 (the JSON and command-line providers, environment variables alike).
    private static bool IsList(List<IConfigurationSection> children)
    {
        var indexes = new HashSet<int>();
        foreach (var child in children)
        {
            if (!int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= children.Count) return false;
            indexes.Add(index);
        }
        return indexes.Count == children.Count;
    }
}
