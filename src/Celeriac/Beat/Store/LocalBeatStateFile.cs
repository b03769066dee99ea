using System.Text.Json;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Beat.Store;

/// <summary>
/// The local store's JSON file: each entry's state and the run-time edits.
/// <code>
/// {"format": 1, "schedule": "default",
///  "entries": {"name": {"last_slot": "2030-01-01T00:00:10+00:00", "total_run_count": 3, "last_task_id": "…"}},
///  "edits": {"version": 2, "entries": {"name": "{…entry JSON…}", "removed": null}}}
/// </code>
/// Written whole and atomically (a temporary file beside it, flushed to disk, then renamed over
/// it), so a process killed at any moment leaves either the previous file or the new one, never half of one.
/// </summary>
internal static class LocalBeatStateFile
{
    /// <summary>What a file holds.</summary>
    internal sealed record Contents(Dictionary<string, BeatEntryState> States, long EditsVersion, Dictionary<string, string?> Edits);

    /// <summary>Reads <paramref name="path"/>; empty contents when it does not exist. Throws <see cref="FormatException"/> naming the file when it does not read.</summary>
    public static Contents Read(string path)
    {
        var states = new Dictionary<string, BeatEntryState>(StringComparer.Ordinal);
        var edits = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (!File.Exists(path)) return new(states, 0, edits);
        try
        {
            var root = JsonNode.Parse(File.ReadAllBytes(path)) as JsonObject ?? throw new FormatException("not a JSON object");
            if (root["entries"] is JsonObject entries)
            {
                foreach (var (name, node) in entries)
                {
                    if (node is not JsonObject state) continue;
                    var slot = PythonDateTime.Parse(state["last_slot"]!.GetValue<string>());
                    states[name] = new BeatEntryState(slot, state["total_run_count"]?.GetValue<long>() ?? 0, state["last_task_id"]?.GetValue<string>());
                }
            }
            long version = 0;
            if (root["edits"] is JsonObject editsNode)
            {
                version = editsNode["version"]?.GetValue<long>() ?? 0;
                if (editsNode["entries"] is JsonObject editEntries)
                    foreach (var (name, node) in editEntries) edits[name] = node?.GetValue<string>();
            }
            return new(states, version, edits);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or NullReferenceException)
        {
            throw new FormatException($"The beat state file '{path}' does not read: {ex.Message}", ex);
        }
    }

    /// <summary>Replaces <paramref name="path"/> with the given contents, atomically.</summary>
    public static void Write(string path, string scheduleName, IReadOnlyDictionary<string, BeatEntryState> states, long editsVersion,
        IReadOnlyDictionary<string, string?> edits)
    {
        var entries = new JsonObject();
        foreach (var (name, state) in states.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            entries[name] = new JsonObject
            {
                ["last_slot"] = PythonDateTime.Format(state.LastSlot.ToUniversalTime()),
                ["total_run_count"] = state.TotalRunCount,
                ["last_task_id"] = state.LastTaskId,
            };
        }
        var editEntries = new JsonObject();
        foreach (var (name, json) in edits.OrderBy(e => e.Key, StringComparer.Ordinal)) editEntries[name] = json;
        var root = new JsonObject
        {
            ["format"] = 1,
            ["schedule"] = scheduleName,
            ["entries"] = entries,
            ["edits"] = new JsonObject { ["version"] = editsVersion, ["entries"] = editEntries },
        };

        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid().ToString("N")[..8]}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
                    root.WriteTo(writer);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { }
            throw;
        }
    }
}
