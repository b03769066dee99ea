using System.Text.Json.Nodes;
using Celeriac.Beat;
using Celeriac.Beat.Json;
using Microsoft.Extensions.Configuration;

namespace Celeriac.Configuration;

/// <summary>
/// Reads Celery's <c>beat_schedule</c> (or <c>BeatSchedule</c>) from configuration: an object keyed
/// by entry name, each entry in the schedule file's shape (docs/interop.md, "Beat"):
/// <code>
/// {"beat_schedule": {
///   "every-minute": {"task": "reports.tick", "schedule": {"crontab": {"minute": "*"}}, "args": [1, 2]},
///   "cleanup":      {"task": "db.cleanup", "schedule": 300, "options": {"queue": "maintenance", "expires": 60}}}}
/// </code>
/// The section is turned back into JSON with its numbers and booleans typed (configuration keeps
/// only text) and read by the same reader as the schedule file, so both accept the same entries
/// and reject the same mistakes, naming the entry.
/// </summary>
internal static class BeatScheduleConfiguration
{
    // Fields that are names whatever they look like: a queue called "500" stays "500" (as task_queues' string arguments do).
    private static readonly string[][] TextFields =
        [["task"], ["timezone"], ["options", "queue"], ["options", "exchange"], ["options", "routing_key"], ["options", "shadow"]];

    /// <summary>Adds the configured entries to <paramref name="entries"/>, replacing an entry of the same name.</summary>
    public static void Merge(IList<BeatEntry> entries, IConfigurationSection section)
    {
        foreach (var child in section.GetChildren())
        {
            var entry = BeatEntryJson.Read(child.Key, Definition(child));
            for (var i = entries.Count - 1; i >= 0; i--)
                if (entries[i].Name == entry.Name) entries.RemoveAt(i);
            entries.Add(entry);
        }
    }

    private static JsonNode? Definition(IConfigurationSection entry)
    {
        var node = ConfigurationJson.ToNode(entry);
        foreach (var path in TextFields)
        {
            var parent = node;
            for (var i = 0; i < path.Length - 1 && parent is not null; i++) parent = Child(parent, path[i]);
            if (parent is not JsonObject obj || Key(obj, path[^1]) is not { } key) continue;
            if (entry.GetSection(string.Join(ConfigurationPath.KeyDelimiter, path)).Value is { Length: > 0 } text) obj[key] = text;
        }
        return node;
    }

    private static JsonNode? Child(JsonNode node, string name) => node is JsonObject obj && Key(obj, name) is { } key ? obj[key] : null;

    // Configuration keys are case-insensitive; the node keeps the spelling the source used.
    private static string? Key(JsonObject obj, string name) =>
        obj.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
}
