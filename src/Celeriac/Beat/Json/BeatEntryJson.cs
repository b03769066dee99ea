using System.Text.Json.Nodes;

namespace Celeriac.Beat.Json;

/// <summary>
/// Entries as JSON: Celery's <c>beat_schedule</c> shape (docs/interop.md, "Beat") — <c>task</c>,
/// <c>schedule</c> (seconds, <c>{"crontab": {...}}</c>, <c>{"cron": "..."}</c>, <c>{"at": "iso"}</c>),
/// <c>relative</c>, <c>args</c>, <c>kwargs</c>, <c>options</c> — plus ours: <c>timezone</c>,
/// <c>missed</c> (<c>"skip"</c>, <c>"once"</c>, <c>"all"</c>, <c>{"all": N}</c>, <c>{"deadline": seconds}</c>), <c>paused</c>.
/// The schedule file, configuration and the run-time edits all use it.
/// </summary>
internal static class BeatEntryJson
{
    /// <summary>Reads one entry; throws <see cref="FormatException"/> naming the entry and what is wrong.</summary>
    public static BeatEntry Read(string name, JsonNode? definition) => throw new NotImplementedException();

    /// <summary>Reads a whole schedule object (name → entry).</summary>
    public static IReadOnlyList<BeatEntry> ReadSchedule(JsonNode? schedule) => throw new NotImplementedException();

    /// <summary>Writes an entry so <see cref="Read"/> gives it back.</summary>
    public static JsonObject Write(BeatEntry entry) => throw new NotImplementedException();
}
