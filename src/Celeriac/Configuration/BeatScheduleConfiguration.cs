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
    /// <summary>Adds the configured entries to <paramref name="entries"/>, replacing an entry of the same name.</summary>
    public static void Merge(IList<BeatEntry> entries, IConfigurationSection section)
    {
        foreach (var child in section.GetChildren())
        {
            var entry = BeatEntryJson.Read(child.Key, ConfigurationJson.ToNode(child));
            for (var i = entries.Count - 1; i >= 0; i--)
                if (entries[i].Name == entry.Name) entries.RemoveAt(i);
            entries.Add(entry);
        }
    }
}
